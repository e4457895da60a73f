// Time for window steps: a row's event time (ISO-8601 text or epoch milliseconds), the windows
// a time falls in (aligned to the Unix epoch), and the ISO-8601 text of a window's bounds.

/** JavaScript's Date range: times beyond it have no ISO text. */
const MAX_TIME_MS = 8.64e15;
const MS_PER_DAY = 86_400_000;

/**
 * Milliseconds since the epoch of an event time: a finite number (epoch ms) or ISO-8601 text
 * ("2016-07-01", "2016-07-01T00:10:00", "2016-07-01 00:10:00.123456", "…Z", "…+02:00"); text
 * without a zone is UTC, digits past the millisecond are cut off. Null for anything else.
 */
export function eventTimeMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && inRange(value) ? value : null;
  if (typeof value !== 'string') return null;
  const ms = new IsoScanner(value.trim()).instant();
  return Number.isNaN(ms) || !inRange(ms) ? null : ms;
}

const ZERO = 48;

/**
 * Reads [±YY]YYYY-MM-DD[(T| )HH:MM[:SS[(.|,)fraction]][ ][Z|±HH[[:]MM]]] character by character
 * (a regular expression and Number() on its groups took four times as long, once per row).
 */
class IsoScanner {
  private at = 0;
  constructor(private readonly text: string) {}

  /** epoch ms, NaN when the text is not such a time */
  instant(): number {
    const sign = this.take('+') ? 1 : this.take('-') ? -1 : 0;
    const year = sign === 0 ? this.digits(4) : sign * this.digits(6);
    const month = this.take('-') ? this.digits(2) : NaN;
    const day = this.take('-') ? this.digits(2) : NaN;
    if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return NaN;
    let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
    if (this.at === this.text.length) return ms;
    if (!this.take('T') && !this.take(' ')) return NaN;
    const hour = this.digits(2);
    const minute = this.take(':') ? this.digits(2) : NaN;
    const withSeconds = this.take(':');
    const second = withSeconds ? this.digits(2) : 0;
    if (!(hour <= 23 && minute <= 59 && second <= 59)) return NaN;
    ms += ((hour * 60 + minute) * 60 + second) * 1000;
    if (withSeconds && (this.take('.') || this.take(','))) {
      const first = this.at;
      for (let scale = 100; this.isDigit(); this.at++, scale /= 10)
        if (scale >= 1) ms += (this.text.charCodeAt(this.at) - ZERO) * scale;
      if (this.at === first) return NaN;
    }
    while (this.take(' '));
    return ms - this.zoneOffsetMs();
  }

  /** "Z", "+02:00", "-0530", "+01" or nothing, as milliseconds ahead of UTC; NaN otherwise */
  private zoneOffsetMs(): number {
    if (this.at === this.text.length) return 0;
    if (this.take('Z') || this.take('z')) return this.at === this.text.length ? 0 : NaN;
    const sign = this.take('+') ? 1 : this.take('-') ? -1 : NaN;
    const hours = this.digits(2);
    const minutes = this.take(':') || this.at < this.text.length ? this.digits(2) : 0;
    if (!(hours <= 23 && minutes <= 59) || this.at !== this.text.length) return NaN;
    return sign * (hours * 60 + minutes) * 60_000;
  }

  private take(char: string): boolean {
    if (this.text[this.at] !== char) return false;
    this.at++;
    return true;
  }

  private isDigit(): boolean {
    const code = this.text.charCodeAt(this.at);
    return code >= ZERO && code <= ZERO + 9;
  }

  /** the next `count` characters as a number, NaN unless they are all digits */
  private digits(count: number): number {
    let number = 0;
    for (let end = this.at + count; this.at < end; this.at++) {
      if (!this.isDigit()) return NaN;
      number = number * 10 + this.text.charCodeAt(this.at) - ZERO;
    }
    return number;
  }
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
