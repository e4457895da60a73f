// Errors the user can act on. Each says what happened and what to do, in one line, and
// whether the operation will be retried. Anything that is not a UserError is a bug and may
// carry a stack trace; a UserError never shows one.

export class UserError extends Error {
  /** true when the engine will retry the operation by itself */
  readonly retriable: boolean;
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UserError';
    this.retriable = options.retriable ?? false;
  }
}

/**
 * Bad input: a file, a flag or a form field the user can fix. `field` names the option it is
 * about (a key of the options' schema, e.g. 'keyColumn'), so a form can mark that field
 * without reading the message, which names the option as the CLI spells it.
 */
export class InputError extends UserError {
  readonly field: string | undefined;
  constructor(message: string, options: { cause?: unknown; field?: string } = {}) {
    super(message, options);
    this.name = 'InputError';
    this.field = options.field;
  }
}

/** The option a user error is about, when it names one. */
export function fieldOf(error: unknown): string | undefined {
  return error instanceof InputError ? error.field : undefined;
}

/** Something outside the app (broker, Java, Maven, network) is missing or unreachable. */
export class EnvironmentError extends UserError {
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options);
    this.name = 'EnvironmentError';
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** One line for the user: the message of a UserError, or a short description of a bug. */
export function describeError(error: unknown): string {
  if (isUserError(error)) return error.message;
  if (error instanceof Error) return `internal error: ${error.message}`;
  return `internal error: ${String(error)}`;
}

/**
 * The exit codes of every command: 0 done (a clean stop on Ctrl+C or SIGTERM included);
 * 1 something outside the command failed (broker, Java, disk) — the same command may work later;
 * 2 the command is wrong (a flag, path, file or name) — change it; 70 an internal error (a bug,
 * the one case printed with a stack trace). A worker adds 3 (web port taken) and 4 (data dir in use).
 */
export const EXIT_CODE = { ok: 0, environment: 1, input: 2, internal: 70 } as const;

export function exitCodeOf(error: unknown): number {
  if (error instanceof InputError) return EXIT_CODE.input;
  if (isUserError(error)) return EXIT_CODE.environment;
  return EXIT_CODE.internal;
}
