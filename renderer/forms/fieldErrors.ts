// Field-level errors for the forms: the stream form is checked with the contract's own schema
// before it is sent, an engine error of the form "command: field: message" is put beside the
// field it names, and so is a failed stream whose message names a producer option.
import { streamConfigSchema, type StreamConfig } from '../../main/api/contract';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

export function streamConfigErrors(config: StreamConfig): FieldErrors<keyof StreamConfig> {
  const parsed = streamConfigSchema.safeParse(config);
  if (parsed.success) return {};
  const errors: FieldErrors<keyof StreamConfig> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as keyof StreamConfig | undefined;
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

/** Splits "command: field: message" when `field` is one of `fields`; otherwise null. */
export function fieldOfError<F extends string>(
  message: string,
  fields: readonly F[],
): { field: F; message: string } | null {
  const match = /^\w+: ([\w.]+): (.+)$/.exec(message);
  const field = match?.[1] as F | undefined;
  if (!match || !field || !fields.includes(field)) return null;
  return { field, message: match[2] ?? message };
}

/** The producer names its options as CLI flags; this is the stream form field each one is. */
const FIELD_OF_FLAG: Readonly<Record<string, keyof StreamConfig>> = {
  '--rate': 'ratePerSecond',
  '--key': 'keyColumn',
  '--partitioner': 'partitioner',
  '--replay-column': 'replayColumn',
  '--speed': 'speed',
  '--shuffle': 'shuffle',
  '--seed': 'seed',
  '--offset': 'offset',
  '--limit': 'limit',
  '--timestamps': 'timestamps',
  '--resume': 'resume',
};

/**
 * A failed stream's message belongs beside the field of the first option it names
 * ("--partitioner modulo needs whole-number keys…" → partitioner); null when it names none.
 */
export function fieldOfProducerFailure(
  message: string | undefined,
): { field: keyof StreamConfig; message: string } | null {
  const flag = message?.match(/(?:^|[\s(`'"])(--[a-z][a-z-]*)/)?.[1];
  const field = flag === undefined ? undefined : FIELD_OF_FLAG[flag];
  return message && field ? { field, message } : null;
}
