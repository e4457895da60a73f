// The window step as written in a transform spec (JSON). The zod schema that validates it and
// the WindowOperator that runs it live beside this file.
//
// {
//   "type": "window",
//   "time": { "field": "Issue Date" },        // event time (ISO text or epoch ms), or "processing"
//   "size": "10m",                            // ms, s, m, h, d: "500ms", "30s", "10m", "1h", "1d"
//   "hop": "5m",                              // optional: hopping windows advance by this; default = size (tumbling)
//   "grace": "1h",                            // optional: how late a row may be and still count; default 0
//   "key": ["Violation County"],              // optional: group by these fields; default: one group
//   "aggregates": [
//     { "op": "count", "as": "rows" },
//     { "op": "mean", "field": "Temperature", "as": "mean_temperature" },
//     { "op": "quantiles", "field": "Temperature", "as": "temperature" }   // { min, q1, median, q3, max }
//   ],
//   "emit": "close"                           // "close": one result when a window closes; "update": also updated results while open
// }
//
// A result row: { window_start, window_end (ISO-8601 UTC), <key fields>, <aggregates>, final }.
import { z } from 'zod';

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Milliseconds in a duration such as "500ms", "30s", "10m", "1h" or "1d"; null when malformed. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * DURATION_UNITS_MS[match[2]!]!;
  return Number.isFinite(ms) && ms >= 1 ? Math.round(ms) : null;
}

const duration = z.string().refine((text) => parseDuration(text) !== null, {
  message: 'give a duration such as "500ms", "30s", "10m", "1h" or "1d"',
});

export const windowAggregateSchema = z
  .object({
    op: z.enum(['count', 'sum', 'mean', 'min', 'max', 'quantiles']),
    field: z.string().min(1, 'name a field').optional(),
    as: z.string().min(1, 'name the result field'),
  })
  .strict()
  .refine((aggregate) => aggregate.op === 'count' || aggregate.field !== undefined, {
    message: 'this aggregate needs a "field"',
    path: ['field'],
  });

export const windowStepSchema = z
  .object({
    type: z.literal('window'),
    time: z.union([
      z.literal('processing'),
      z.object({ field: z.string().min(1, 'name a timestamp field') }).strict(),
    ]),
    size: duration,
    hop: duration.optional(),
    grace: duration.optional(),
    key: z.array(z.string().min(1, 'name a field')).optional(),
    aggregates: z.array(windowAggregateSchema).min(1, 'give at least one aggregate'),
    emit: z.enum(['close', 'update']).optional(),
  })
  .strict()
  .refine(
    (step) => step.hop === undefined || parseDuration(step.hop)! <= parseDuration(step.size)!,
    { message: 'hop must not be longer than size', path: ['hop'] },
  );

export type WindowAggregateSpec = z.infer<typeof windowAggregateSchema>;
export type WindowAggregateOp = WindowAggregateSpec['op'];
export type WindowStepSpec = z.infer<typeof windowStepSchema>;
