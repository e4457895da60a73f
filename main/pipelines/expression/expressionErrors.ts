// The two ways an expression fails: it does not parse (found once, at compile time, with the
// column), or a row's values do not fit it (a string in arithmetic), which fails that row only.

export class ExpressionSyntaxError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based column in the expression text */
    readonly column: number,
  ) {
    super(`${reason} at column ${column}`);
    this.name = 'ExpressionSyntaxError';
  }
}

/** A row the expression cannot evaluate; the step counts it as an error and goes on. */
export class RowValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowValueError';
  }
}

/** How a value reads in an error message: its type and a short form of it. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    const text = value.length > 30 ? `${value.slice(0, 27)}...` : value;
    return `text "${text}"`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return Array.isArray(value) ? 'a list' : 'an object';
}
