// Field-level errors for the forms: the stream form is checked with the contract's own schema
// before it is sent. (An engine failure names its field itself: CommandFailure.field for a
// refused command, StreamProgress.field for a failed stream.)
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
