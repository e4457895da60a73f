// Time for window steps: a row's event time (ISO-8601 text or epoch milliseconds), the windows
// a time falls in (aligned to the Unix epoch), and the ISO-8601 text of a window's bounds.

/** JavaScript's Date range: times beyond it have no ISO text. */
const MAX_TIME_MS = 8.64e15;
const MS_PER_DAY = 86_400_000;

const ISO_TEXT =
  /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Milliseconds since the epoch of an event time: a finite number (epoch ms) or ISO-8601 text
 * ("2016-07-01", "2016-07-01T00:10:00", "2016-07-01 00:10:00.123456", "…Z", "…+02:00"); text
 * without a zone is UTC, digits past the millisecond are cut off. Null for anything else.
 */
export function eventTimeMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && inRange(value) ? value : null;
  if (typeof value !== 'string') return null;
  const match = ISO_TEXT.exec(value.trim());
  if (!match) return null;
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction, zone] = match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText ?? 0);
  const minute = Number(minuteText ?? 0);
  const second = Number(secondText ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms =
    daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute) * 60 + second) * 1000 +
    Number((fraction ?? '').slice(0, 3).padEnd(3, '0')) -
    zoneOffsetMs(zone);
  return Number.isNaN(ms) || !inRange(ms) ? null : ms;
}

/** "Z", "+02:00", "-0530" or "+01" as milliseconds ahead of UTC; NaN when out of range */
function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || 0);
  if (hours > 23 || minutes > 59) return NaN;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

function inRange(ms: number): boolean {
  return ms >= -MAX_TIME_MS && ms <= MAX_TIME_MS;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil) */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * Starts of every window [start, start + size) holding `timeMs`, oldest first: the multiples of
 * `hopMs` in (timeMs − size, timeMs]. One start when hop = size (tumbling windows).
 */
export function windowStarts(timeMs: number, sizeMs: number, hopMs: number): number[] {
  const remainder = timeMs % hopMs;
  const latest = remainder < 0 ? timeMs - remainder - hopMs : timeMs - remainder;
  const starts: number[] = [];
  for (let start = latest; start > timeMs - sizeMs; start -= hopMs) starts.push(start);
  return starts.reverse();
}

/** true when every window of `timeMs` starts and ends inside the range ISO text can show */
export function windowsInRange(timeMs: number, sizeMs: number): boolean {
  return inRange(timeMs - sizeMs) && inRange(timeMs + sizeMs);
}

/** "2016-07-01T00:10:00.000Z" */
export function isoText(ms: number): string {
  return new Date(ms).toISOString();
}
