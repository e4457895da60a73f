// The chart proposed for an output that comes with no charts of its own, from the fields the feed
// has discovered: window results get their first aggregate over window_start (split by the first
// text key), other outputs a histogram of the first numeric field, or else a bar count of the
// first text field.
import type { ChartSpec, OutputField } from './chartSpec';
import { WINDOW_START_FIELD } from './liveChart';

const WINDOW_FIELDS = new Set([WINDOW_START_FIELD, 'window_end', 'final']);

export function proposeFirstChart(fields: readonly OutputField[]): ChartSpec | null {
  const isWindowOutput = fields.some((field) => field.name === WINDOW_START_FIELD);
  const candidates = fields.filter((field) => !isWindowOutput || !WINDOW_FIELDS.has(field.name));
  const numeric = candidates.find((field) => field.type === 'number');
  const text = candidates.find((field) => field.type === 'string');
  const window = { rows: 1000 };
  if (isWindowOutput && numeric) {
    return {
      id: 'first-chart',
      title: `${numeric.name} per window`,
      type: 'window',
      y: numeric.name,
      ...(text ? { group: text.name } : {}),
      window,
    };
  }
  if (numeric) {
    return {
      id: 'first-chart',
      title: `Distribution of ${numeric.name}`,
      type: 'histogram',
      x: numeric.name,
      window,
    };
  }
  if (text) {
    return { id: 'first-chart', title: `Rows by ${text.name}`, type: 'bar', x: text.name, window };
  }
  return null;
}
