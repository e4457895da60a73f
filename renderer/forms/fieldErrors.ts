// Field-level errors for the forms: the stream form is checked with the contract's own schema
// before it is sent, and an engine error of the form "command: field: message" is put beside
// the field it names. (A failed stream names its field itself: StreamProgress.field.)
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
