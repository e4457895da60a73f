// Timestamps as transforms see them: ISO-8601 text (UTC unless it names an offset; a bare date is
// midnight UTC; years beyond 9999 as ±YYYYYY, as Parquet timestamps print them) or epoch
// milliseconds, read into epoch ms and written back as ISO-8601 UTC text.
import { parseDuration } from './windowSpec';

const ISO =
  /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch milliseconds of ISO text or an epoch-ms number; null when it is neither. */
export function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const match = ISO.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59)
    return null;
  if (Number(s) > 59) return null;
  const ms = Number((fraction + '000').slice(0, 3));
  // setUTCFullYear: Date.UTC would read years 0–99 as 1900–1999
  const date = new Date(Date.UTC(2000, 0, 1, Number(h), Number(mi), Number(s), ms));
  date.setUTCFullYear(Number(y), month - 1, day);
  if (date.getUTCDate() !== day) return null; // 31 April and the like
  let epoch = date.getTime();
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    epoch -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000;
  }
  return epoch;
}

/** ISO-8601 UTC text with milliseconds, e.g. "2017-01-05T10:20:00.000Z". */
export function formatTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Fixed units date_trunc and date_diff take by name; durations ("15m") work too. */
const FIXED_UNITS_MS: Record<string, number> = {
  week: 7 * 86_400_000,
  day: 86_400_000,
  hour: 3_600_000,
  minute: 60_000,
  second: 1_000,
  millisecond: 1,
};

/** Milliseconds in a fixed unit ("day", "h", … or a duration such as "15m"); null otherwise. */
export function unitMs(unit: string): number | null {
  if (Object.hasOwn(FIXED_UNITS_MS, unit)) return FIXED_UNITS_MS[unit]!;
  return parseDuration(/^(ms|s|m|h|d)$/.test(unit) ? `1${unit}` : unit);
}

/** Whether date_trunc understands this unit. */
export function isTruncUnit(unit: string): boolean {
  return unit === 'year' || unit === 'month' || unitMs(unit) !== null;
}

/** The start of the unit (calendar unit, or a multiple of a duration since the epoch) holding epochMs. */
export function truncate(epochMs: number, unit: string): number {
  const date = new Date(epochMs);
  if (unit === 'year') return Date.UTC(date.getUTCFullYear(), 0, 1);
  if (unit === 'month') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  if (unit === 'week') {
    const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    return day - ((date.getUTCDay() + 6) % 7) * 86_400_000; // back to Monday
  }
  const size = unitMs(unit)!;
  return Math.floor(epochMs / size) * size;
}

/** ISO weekday: Monday 1 … Sunday 7. */
export function isoWeekday(epochMs: number): number {
  return ((new Date(epochMs).getUTCDay() + 6) % 7) + 1;
}
