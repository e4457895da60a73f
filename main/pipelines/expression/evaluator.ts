// Turns a parsed expression into a function of a row, once. Arithmetic takes numbers only, and
// null in gives null out; comparisons take two numbers or two texts (= and != take anything);
// and / or / not take booleans with SQL's three-valued logic (null means unknown).
import { fieldReader } from '../fieldPath';
import { describeValue, ExpressionSyntaxError, RowValueError } from './expressionErrors';
import { callFunction, checkLiteralUnit } from './functions';
import { parseExpression, type BinaryOp, type ExpressionNode } from './parser';

export type CompiledExpression = (row: unknown) => unknown;

/** Parses and compiles expression text; throws ExpressionSyntaxError with the column. */
export function compileExpression(source: string): CompiledExpression {
  return compileNode(parseExpression(source));
}

function compileNode(node: ExpressionNode): CompiledExpression {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'field':
      return fieldReader(node.name);
    case 'negate': {
      const operand = compileNode(node.operand);
      return (row) => {
        const value = operand(row);
        if (value === null) return null;
        if (typeof value !== 'number')
          throw new RowValueError(`"-" needs a number, got ${describeValue(value)}`);
        return -value;
      };
    }
    case 'not': {
      const operand = compileNode(node.operand);
      return (row) => {
        const value = logical(operand(row), 'not');
        return value === null ? null : !value;
      };
    }
    case 'binary':
      return compileBinary(node.op, compileNode(node.left), compileNode(node.right));
    case 'call':
      return compileCall(node);
  }
}

function logical(value: unknown, op: string): boolean | null {
  if (value === null || typeof value === 'boolean') return value;
  throw new RowValueError(`"${op}" needs true, false or null, got ${describeValue(value)}`);
}

function compileBinary(
  op: BinaryOp,
  left: CompiledExpression,
  right: CompiledExpression,
): CompiledExpression {
  if (op === 'and') {
    return (row) => {
      const a = logical(left(row), 'and');
      if (a === false) return false;
      const b = logical(right(row), 'and');
      if (b === false) return false;
      return a === null || b === null ? null : true;
    };
  }
  if (op === 'or') {
    return (row) => {
      const a = logical(left(row), 'or');
      if (a === true) return true;
      const b = logical(right(row), 'or');
      if (b === true) return true;
      return a === null || b === null ? null : false;
    };
  }
  if (op === '=' || op === '!=') {
    return (row) => {
      const equal = sameValue(left(row), right(row));
      return op === '=' ? equal : !equal;
    };
  }
  const apply = OPERATIONS[op];
  return (row) => {
    const a = left(row);
    const b = right(row);
    if (a === null || b === null) return null;
    return apply(a, b);
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null)
    return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

function numbers(op: string, a: unknown, b: unknown): [number, number] {
  if (typeof a !== 'number' || typeof b !== 'number') {
    const bad = typeof a !== 'number' ? a : b;
    const hint = op === '+' && typeof bad === 'string' ? ' (join text with concat())' : '';
    throw new RowValueError(`"${op}" needs numbers, got ${describeValue(bad)}${hint}`);
  }
  return [a, b];
}

/** Two numbers or two texts, in the order given (texts compare by code unit, so ISO times sort). */
function ordered(op: string, a: unknown, b: unknown): void {
  const bothNumbers = typeof a === 'number' && typeof b === 'number';
  if (!bothNumbers && !(typeof a === 'string' && typeof b === 'string'))
    throw new RowValueError(`"${op}" cannot compare ${describeValue(a)} with ${describeValue(b)}`);
}

function divisor(op: string, b: number): number {
  if (b === 0) throw new RowValueError(`"${op}" by zero`);
  return b;
}

type Operation = (a: unknown, b: unknown) => unknown;
const arithmetic =
  (op: string, apply: (x: number, y: number) => number): Operation =>
  (a, b) => {
    const [x, y] = numbers(op, a, b);
    return apply(x, y);
  };
const comparison =
  (op: string, apply: (x: number | string, y: number | string) => boolean): Operation =>
  (a, b) => {
    ordered(op, a, b);
    return apply(a as number | string, b as number | string);
  };

const OPERATIONS: Record<string, Operation> = {
  '+': arithmetic('+', (x, y) => x + y),
  '-': arithmetic('-', (x, y) => x - y),
  '*': arithmetic('*', (x, y) => x * y),
  '/': arithmetic('/', (x, y) => x / divisor('/', y)),
  '%': arithmetic('%', (x, y) => x % divisor('%', y)),
  '<': comparison('<', (x, y) => x < y),
  '<=': comparison('<=', (x, y) => x <= y),
  '>': comparison('>', (x, y) => x > y),
  '>=': comparison('>=', (x, y) => x >= y),
};

function compileCall(node: Extract<ExpressionNode, { kind: 'call' }>): CompiledExpression {
  const args = node.args.map(compileNode);
  if (node.name === 'if') {
    const [condition, then, otherwise] = args as [
      CompiledExpression,
      CompiledExpression,
      CompiledExpression,
    ];
    return (row) => (logical(condition(row), 'if') === true ? then(row) : otherwise(row));
  }
  if (node.name === 'coalesce') {
    return (row) => {
      for (const arg of args) {
        const value = arg(row);
        if (value !== null) return value;
      }
      return null;
    };
  }
  const unitArg =
    node.name === 'date_trunc'
      ? node.args[0]
      : node.name === 'date_diff'
        ? node.args[2]
        : undefined;
  if (unitArg?.kind === 'literal' && typeof unitArg.value === 'string') {
    const problem = checkLiteralUnit(node.name, unitArg.value);
    if (problem) throw new ExpressionSyntaxError(problem, node.column);
  }
  const name = node.name;
  return (row) =>
    callFunction(
      name,
      args.map((arg) => arg(row)),
    );
}
