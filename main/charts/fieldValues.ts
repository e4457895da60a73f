// How a chart reads one JSON value of an output row: as a number (numbers and numeric text such
// as the wire format's decimals "1.00"), as a time in epoch ms (ISO-8601 text or epoch-ms
// numbers), or as a category label. Unreadable values are null and the chart skips them.

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function isNumericText(text: string): boolean {
  return NUMERIC_TEXT.test(text);
}

export function isTimeText(text: string): boolean {
  return ISO_TIME.test(text) && Number.isFinite(Date.parse(text));
}

export function numberValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && isNumericText(value)) {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** Epoch milliseconds of an ISO-8601 text or an epoch-ms number. */
export function timeValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && isTimeText(value)) return Date.parse(value);
  return null;
}

/** The label a category shows: text as is, numbers and booleans as text, null as "(null)". */
export function categoryValue(value: unknown): string {
  if (value === null || value === undefined) return '(null)';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
