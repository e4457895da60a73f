// The functions expressions may call. Each takes its evaluated arguments and returns a JSON value
// or throws RowValueError. A null argument gives null unless the function says otherwise
// (coalesce, concat, if, min, max). `if` and `coalesce` are evaluated lazily by the evaluator.
import {
  formatTimestamp,
  isoWeekday,
  isTruncUnit,
  toEpochMs,
  truncate,
  unitMs,
} from '../timestamps';
import { parseDuration } from '../windowSpec';
import { describeValue, RowValueError } from './expressionErrors';

type Fn = (args: unknown[], name: string) => unknown;

interface FunctionDef {
  min: number;
  max: number;
  /** true: a null in any argument gives null without calling run */
  nullIn: boolean;
  run: Fn;
}

function text(value: unknown, name: string, position = 1): string {
  if (typeof value !== 'string')
    throw new RowValueError(
      `${name}() needs text as argument ${position}, got ${describeValue(value)}`,
    );
  return value;
}

function num(value: unknown, name: string, position = 1): number {
  if (typeof value !== 'number')
    throw new RowValueError(
      `${name}() needs a number as argument ${position}, got ${describeValue(value)}`,
    );
  return value;
}

function time(value: unknown, name: string, position = 1): number {
  const ms = toEpochMs(value);
  if (ms === null)
    throw new RowValueError(
      `${name}() needs a timestamp (ISO text or epoch ms) as argument ${position}, got ${describeValue(value)}`,
    );
  return ms;
}

/** Text form of any value, as string() and concat() write it. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A number from a number, numeric text or a boolean; null when the value has none. */
export function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value.trim());
    return Number.isFinite(number) ? number : null;
  }
  return null;
}

/** Signed duration in ms: "10m", "-1h", or a number of milliseconds. */
function durationMs(value: unknown, name: string, position: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const negative = value.trim().startsWith('-');
    const ms = parseDuration(negative ? value.trim().slice(1) : value);
    if (ms !== null) return negative ? -ms : ms;
  }
  throw new RowValueError(
    `${name}() needs a duration such as "10m" or "-1h" as argument ${position}, got ${describeValue(value)}`,
  );
}

const datePart =
  (part: (date: Date, ms: number) => number): Fn =>
  ([value], name) => {
    const ms = time(value, name);
    return part(new Date(ms), ms);
  };

const FUNCTIONS: Record<string, FunctionDef> = {
  lower: { min: 1, max: 1, nullIn: true, run: ([s], n) => text(s, n).toLowerCase() },
  upper: { min: 1, max: 1, nullIn: true, run: ([s], n) => text(s, n).toUpperCase() },
  trim: { min: 1, max: 1, nullIn: true, run: ([s], n) => text(s, n).trim() },
  length: {
    min: 1,
    max: 1,
    nullIn: true,
    run: ([s], n) => (Array.isArray(s) ? s.length : text(s, n).length),
  },
  concat: {
    min: 1,
    max: Infinity,
    nullIn: false,
    run: (args) => args.map((value) => (value === null ? '' : asText(value))).join(''),
  },
  substring: {
    min: 2,
    max: 3,
    nullIn: true,
    run: ([s, start, length], n) => {
      const from = Math.max(0, Math.trunc(num(start, n, 2)) - 1);
      const value = text(s, n);
      return length === undefined
        ? value.slice(from)
        : value.slice(from, from + Math.max(0, Math.trunc(num(length, n, 3))));
    },
  },
  replace: {
    min: 3,
    max: 3,
    nullIn: true,
    run: ([s, find, by], n) =>
      text(s, n)
        .split(text(find, n, 2))
        .join(text(by, n, 3)),
  },
  contains: {
    min: 2,
    max: 2,
    nullIn: true,
    run: ([s, part], n) =>
      Array.isArray(s) ? s.includes(part) : text(s, n).includes(text(part, n, 2)),
  },
  starts_with: {
    min: 2,
    max: 2,
    nullIn: true,
    run: ([s, prefix], n) => text(s, n).startsWith(text(prefix, n, 2)),
  },
  abs: { min: 1, max: 1, nullIn: true, run: ([x], n) => Math.abs(num(x, n)) },
  round: {
    min: 1,
    max: 2,
    nullIn: true,
    run: ([x, digits], n) => {
      const scale = 10 ** (digits === undefined ? 0 : Math.trunc(num(digits, n, 2)));
      const value = num(x, n);
      return (Math.sign(value) * Math.round(Math.abs(value) * scale)) / scale;
    },
  },
  floor: { min: 1, max: 1, nullIn: true, run: ([x], n) => Math.floor(num(x, n)) },
  ceil: { min: 1, max: 1, nullIn: true, run: ([x], n) => Math.ceil(num(x, n)) },
  min: {
    min: 1,
    max: Infinity,
    nullIn: false,
    run: (args, n) => extreme(args, n, (a, b) => (a as number) < (b as number)),
  },
  max: {
    min: 1,
    max: Infinity,
    nullIn: false,
    run: (args, n) => extreme(args, n, (a, b) => (a as number) > (b as number)),
  },
  coalesce: {
    min: 1,
    max: Infinity,
    nullIn: false,
    run: (args) => args.find((v) => v !== null) ?? null,
  },
  if: { min: 3, max: 3, nullIn: false, run: () => null /* evaluated lazily by the evaluator */ },
  year: { min: 1, max: 1, nullIn: true, run: datePart((d) => d.getUTCFullYear()) },
  month: { min: 1, max: 1, nullIn: true, run: datePart((d) => d.getUTCMonth() + 1) },
  day: { min: 1, max: 1, nullIn: true, run: datePart((d) => d.getUTCDate()) },
  hour: { min: 1, max: 1, nullIn: true, run: datePart((d) => d.getUTCHours()) },
  minute: { min: 1, max: 1, nullIn: true, run: datePart((d) => d.getUTCMinutes()) },
  weekday: { min: 1, max: 1, nullIn: true, run: datePart((_, ms) => isoWeekday(ms)) },
  date_trunc: {
    min: 2,
    max: 2,
    nullIn: true,
    run: ([unit, ts], n) => {
      const name = text(unit, n);
      if (!isTruncUnit(name))
        throw new RowValueError(`date_trunc() does not know the unit "${name}"`);
      return formatTimestamp(truncate(time(ts, n, 2), name));
    },
  },
  date_add: {
    min: 2,
    max: 2,
    nullIn: true,
    run: ([ts, by], n) => formatTimestamp(time(ts, n) + durationMs(by, n, 2)),
  },
  date_diff: {
    min: 3,
    max: 3,
    nullIn: true,
    run: ([a, b, unit], n) => {
      const size = unitMs(text(unit, n, 3));
      if (size === null)
        throw new RowValueError(`date_diff() does not know the unit "${String(unit)}"`);
      return (time(a, n) - time(b, n, 2)) / size;
    },
  },
  number: {
    min: 1,
    max: 1,
    nullIn: true,
    run: ([value]) => {
      const number = asNumber(value);
      if (number === null)
        throw new RowValueError(`number() cannot read a number from ${describeValue(value)}`);
      return number;
    },
  },
  string: { min: 1, max: 1, nullIn: true, run: ([value]) => asText(value) },
};

function extreme(
  args: unknown[],
  name: string,
  better: (a: unknown, b: unknown) => boolean,
): unknown {
  let best: unknown = null;
  args.forEach((value, index) => {
    if (value === null) return;
    if (typeof value !== 'number' && typeof value !== 'string')
      throw new RowValueError(
        `${name}() needs numbers or text, got ${describeValue(value)} as argument ${index + 1}`,
      );
    if (best !== null && typeof best !== typeof value)
      throw new RowValueError(
        `${name}() cannot compare ${describeValue(best)} with ${describeValue(value)}`,
      );
    if (best === null || better(value, best)) best = value;
  });
  return best;
}

/** name → [fewest, most] arguments, for the parser's checks */
export const FUNCTION_ARITY: Readonly<Record<string, readonly [number, number]>> =
  Object.fromEntries(
    Object.entries(FUNCTIONS).map(([name, def]) => [name, [def.min, def.max] as const]),
  );

/** Calls a function on evaluated arguments. */
export function callFunction(name: string, args: unknown[]): unknown {
  const def = FUNCTIONS[name]!;
  if (def.nullIn && args.some((value) => value === null)) return null;
  return def.run(args, name);
}

/** Units date_trunc and date_diff accept, for compile-time checks of literal units. */
export function checkLiteralUnit(name: string, unit: string): string | null {
  if (name === 'date_trunc' && !isTruncUnit(unit))
    return `date_trunc() does not know the unit "${unit}" — use year, month, week, day, hour, minute, second or a duration such as "15m"`;
  if (name === 'date_diff' && unitMs(unit) === null)
    return `date_diff() does not know the unit "${unit}" — use week, day, hour, minute, second, millisecond or a duration such as "15m"`;
  return null;
}
