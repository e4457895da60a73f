// Runs one command from a transport (Electron IPC or the dashboard WebSocket): checks the name,
// validates the arguments against the contract's schema, calls the engine and turns every failure
// into a one-line outcome, with the field it is about when the error names one (InputError.field).
// Bugs (anything that is not a UserError) are logged with their stack.
import {
  isCommandName,
  parseCommandArgs,
  type CommandArgs,
  type CommandFailure,
  type CommandName,
  type CommandOutcome,
  type EngineHost,
} from './contract';
import { describeError, fieldOf, isUserError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';

const defaultLogger = createLogger('api');

type AnyHandler = (args: CommandArgs<CommandName>) => Promise<unknown>;

export async function dispatchCommand(
  host: EngineHost,
  name: unknown,
  rawArgs: unknown,
  logger: Logger = defaultLogger,
): Promise<CommandOutcome<CommandName>> {
  if (!isCommandName(name)) {
    return { ok: false, error: `unknown command ${JSON.stringify(name) ?? String(name)}` };
  }
  const parsed = parseCommandArgs(name, rawArgs);
  if (!parsed.ok) return parsed;
  // The schema table ties each name to its handler; TypeScript cannot follow that correlation.
  const handler = host.handlers[name] as AnyHandler;
  try {
    const value = await handler(parsed.args);
    return { ok: true, value } as CommandOutcome<CommandName>;
  } catch (error) {
    if (!isUserError(error)) {
      logger.error(`command ${name} failed`, {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    return failureOf(error);
  }
}

function failureOf(error: unknown): CommandFailure {
  const message = describeError(error);
  const field = fieldOf(error);
  return field
    ? { ok: false, error: message, field: { name: field, message } }
    : { ok: false, error: message };
}
