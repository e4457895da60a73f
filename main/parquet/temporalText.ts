// Exact text for dates, times and timestamps stored as 32/64-bit integers: ISO-8601 in UTC with
// the unit's precision, for any year (JavaScript's Date stops at ±275,760). 64-bit values arrive
// as (high, low) 32-bit halves so the hot path stays in doubles without BigInt.

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const TWO_POW_32 = 4294967296;
const SECONDS_PER_DAY = 86400;

/** units per second of Arrow's TimeUnit: SECOND, MILLISECOND, MICROSECOND, NANOSECOND */
export const UNITS_PER_SECOND = [1, 1e3, 1e6, 1e9] as const;

/** result registers of splitUnits, to avoid allocating a pair per value */
export const split = { seconds: 0, fraction: 0 };

/**
 * Splits the int64 (high, low) count of units (unitsPerSecond of them a second) into whole
 * seconds (floor) and the remaining units, exactly, into split.seconds / split.fraction.
 */
export function splitUnits(high: number, low: number, unitsPerSecond: number): void {
  const unsignedLow = low >>> 0;
  if (high >= -0x200000 && high < 0x200000) {
    // |value| ≤ 2^53: plain doubles are exact
    const value = high * TWO_POW_32 + unsignedLow;
    split.seconds = Math.floor(value / unitsPerSecond);
    split.fraction = value - split.seconds * unitsPerSecond;
    return;
  }
  if (unitsPerSecond < 1e6) {
    // seconds or milliseconds beyond ±2^53 units (±285,000 years): rare enough for BigInt
    const value = (BigInt(high) << 32n) | BigInt(unsignedLow);
    const divisor = BigInt(unitsPerSecond);
    let seconds = value / divisor;
    if (value < 0n && seconds * divisor !== value) seconds -= 1n;
    split.seconds = Number(seconds);
    split.fraction = Number(value - seconds * divisor);
    return;
  }
  // The double estimate is within one second of the truth; the remainder is then exact in its
  // low 32 bits, and lies in [-unitsPerSecond, 2 * unitsPerSecond), a span narrower than 2^32.
  let seconds = Math.floor((high * TWO_POW_32 + unsignedLow) / unitsPerSecond);
  const productLow = Math.imul((seconds % TWO_POW_32) | 0, unitsPerSecond) >>> 0;
  let remainder = (unsignedLow - productLow + TWO_POW_32) % TWO_POW_32;
  if (remainder >= 2 * unitsPerSecond) remainder -= TWO_POW_32;
  if (remainder < 0) {
    seconds -= 1;
    remainder += unitsPerSecond;
  } else if (remainder >= unitsPerSecond) {
    seconds += 1;
    remainder -= unitsPerSecond;
  }
  split.seconds = seconds;
  split.fraction = remainder;
}

/** "YYYY-MM-DD" for days since 1970-01-01 (proleptic Gregorian; years outside 0–9999 as ±YYYYYY). */
export function dateText(days: number): string {
  // Howard Hinnant's civil_from_days
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${yearText(year)}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
}

function yearText(year: number): string {
  if (year >= 1000 && year <= 9999) return String(year);
  if (year >= 0 && year <= 9999) return String(year).padStart(4, '0');
  return (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
}

/** fraction digits for a count of sub-second units; nothing for whole seconds */
function fractionText(units: number, unitsPerSecond: number): string {
  switch (unitsPerSecond) {
    case 1:
      return '';
    case 1e3:
      return '.' + THREE_DIGITS[units];
    case 1e6:
      return '.' + String(units).padStart(6, '0');
    default:
      return '.' + String(units).padStart(9, '0');
  }
}

function clockText(secondOfDay: number): string {
  const hours = Math.floor(secondOfDay / 3600);
  const minutes = Math.floor((secondOfDay % 3600) / 60);
  return `${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[secondOfDay % 60]}`;
}

/** Remembers the last few date strings: timestamps in a row group tend to share days. */
export class DateCache {
  private readonly days = new Float64Array(256).fill(NaN);
  private readonly texts: string[] = new Array<string>(256).fill('');
  get(days: number): string {
    const slot = days & 255;
    if (this.days[slot] === days) return this.texts[slot];
    const text = dateText(days);
    this.days[slot] = days;
    this.texts[slot] = text;
    return text;
  }
}

/** ISO-8601 UTC text of int64 timestamps in one unit: "2016-07-01T08:15:27.000Z". */
export class TimestampFormatter {
  private readonly dates = new DateCache();
  constructor(private readonly unitsPerSecond: number) {}

  iso(high: number, low: number): string {
    splitUnits(high, low, this.unitsPerSecond);
    const days = Math.floor(split.seconds / SECONDS_PER_DAY);
    const secondOfDay = split.seconds - days * SECONDS_PER_DAY;
    return `${this.dates.get(days)}T${clockText(secondOfDay)}${fractionText(split.fraction, this.unitsPerSecond)}Z`;
  }

  /** milliseconds since the epoch, rounded down to a whole millisecond */
  epochMillis(high: number, low: number): number {
    splitUnits(high, low, this.unitsPerSecond);
    return split.seconds * 1000 + Math.floor((split.fraction * 1000) / this.unitsPerSecond);
  }

  /** "YYYY-MM-DD" of an int64 count of units (Arrow's Date64 is milliseconds) */
  date(high: number, low: number): string {
    splitUnits(high, low, this.unitsPerSecond);
    return this.dates.get(Math.floor(split.seconds / SECONDS_PER_DAY));
  }
}

/** "HH:MM:SS[.fraction]" of a time of day in units since midnight. */
export function timeOfDayText(units: number, unitsPerSecond: number): string {
  const seconds = Math.floor(units / unitsPerSecond);
  return clockText(seconds) + fractionText(units - seconds * unitsPerSecond, unitsPerSecond);
}
