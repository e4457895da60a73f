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

export type WindowAggregateOp = 'count' | 'sum' | 'mean' | 'min' | 'max' | 'quantiles';

export interface WindowAggregateSpec {
  op: WindowAggregateOp;
  /** the numeric field aggregated; absent only for count (which then counts rows) */
  field?: string;
  /** the result field's name */
  as: string;
}

export interface WindowStepSpec {
  type: 'window';
  time: { field: string } | 'processing';
  size: string;
  hop?: string;
  grace?: string;
  key?: string[];
  aggregates: WindowAggregateSpec[];
  emit?: 'close' | 'update';
}
