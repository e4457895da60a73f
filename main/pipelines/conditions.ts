// A filter's condition object compiled into a test of a row. Missing fields read as null; an
// ordering (gt, gte, lt, lte) with a null is false; comparing a number with text fails the row.
import { describeValue, RowValueError } from './expression/expressionErrors';
import { fieldReader } from './fieldPath';
import type { Condition, ConditionOp } from './transformSpec';

export type RowTest = (row: unknown) => boolean;

export function compileCondition(condition: Condition): RowTest {
  if ('and' in condition) {
    const parts = condition.and.map(compileCondition);
    return (row) => parts.every((test) => test(row));
  }
  if ('or' in condition) {
    const parts = condition.or.map(compileCondition);
    return (row) => parts.some((test) => test(row));
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (row) => !inner(row);
  }
  const read = fieldReader(condition.field);
  const test = comparison(condition.op, condition.value ?? null, condition.field);
  return (row) => test(read(row));
}

function comparison(
  op: ConditionOp,
  expected: unknown,
  field: string,
): (value: unknown) => boolean {
  switch (op) {
    case 'eq':
      return (value) => value === expected;
    case 'neq':
      return (value) => value !== expected;
    case 'in': {
      const set = new Set(expected as unknown[]);
      return (value) => set.has(value);
    }
    case 'not-in': {
      const set = new Set(expected as unknown[]);
      return (value) => !set.has(value);
    }
    case 'is-null':
      return (value) => value === null;
    case 'not-null':
      return (value) => value !== null;
    case 'contains':
      return (value) => {
        if (value === null) return false;
        if (Array.isArray(value)) return value.includes(expected);
        if (typeof value === 'string' && typeof expected === 'string')
          return value.includes(expected);
        throw new RowValueError(
          `"${field}" is ${describeValue(value)}; "contains" needs text or a list`,
        );
      };
    case 'starts-with':
      return (value) => {
        if (value === null) return false;
        if (typeof value === 'string' && typeof expected === 'string')
          return value.startsWith(expected);
        throw new RowValueError(`"${field}" is ${describeValue(value)}; "starts-with" needs text`);
      };
    default:
      return ordering(op, expected, field);
  }
}

function ordering(
  op: 'gt' | 'gte' | 'lt' | 'lte',
  expected: unknown,
  field: string,
): (value: unknown) => boolean {
  const compare = {
    gt: (a: number | string, b: number | string) => a > b,
    gte: (a: number | string, b: number | string) => a >= b,
    lt: (a: number | string, b: number | string) => a < b,
    lte: (a: number | string, b: number | string) => a <= b,
  }[op];
  return (value) => {
    if (value === null || expected === null) return false;
    if (
      typeof value !== typeof expected ||
      (typeof value !== 'number' && typeof value !== 'string')
    )
      throw new RowValueError(
        `"${field}" is ${describeValue(value)}; "${op}" compares it with ${describeValue(expected)}`,
      );
    return compare(value as number | string, expected as number | string);
  };
}
