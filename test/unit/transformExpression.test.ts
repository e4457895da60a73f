// The derive/filter expression language: precedence, null and boolean logic, every function
// (date values worked out by hand from the calendar), and syntax errors with their column.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExpression } from '../../main/pipelines/expression/evaluator';
import {
  ExpressionSyntaxError,
  RowValueError,
} from '../../main/pipelines/expression/expressionErrors';
import { parseExpression, referencedFields } from '../../main/pipelines/expression/parser';

const evaluate = (source: string, row: Record<string, unknown> = {}) =>
  compileExpression(source)(row);

function syntaxError(source: string, message: string): void {
  assert.throws(
    () => compileExpression(source),
    (error: unknown) => {
      assert.ok(error instanceof ExpressionSyntaxError, String(error));
      assert.equal(error.message, message);
      return true;
    },
  );
}

function rowError(source: string, row: Record<string, unknown>, message: string): void {
  assert.throws(
    () => evaluate(source, row),
    (error: unknown) => {
      assert.ok(error instanceof RowValueError, String(error));
      assert.equal(error.message, message);
      return true;
    },
  );
}

describe('expression precedence and values', () => {
  it('multiplies before adding, associates left, and honours parentheses', () => {
    assert.equal(evaluate('1 + 2 * 3'), 7);
    assert.equal(evaluate('(1 + 2) * 3'), 9);
    assert.equal(evaluate('2 - 3 - 4'), -5);
    assert.equal(evaluate('8 / 4 / 2'), 1);
    assert.equal(evaluate('-2 * 3 + 10 % 4'), -4);
    assert.equal(evaluate('- -3'), 3);
    assert.equal(evaluate('1.5e2 + .5'), 150.5);
  });

  it('compares after arithmetic, "not" before "and", "and" before "or"', () => {
    assert.equal(evaluate('1 + 2 = 3'), true);
    assert.equal(evaluate('1 + 2 == 4'), false);
    assert.equal(evaluate('2 * 3 <> 6'), false);
    assert.equal(evaluate('not 1 > 2 and 3 < 4'), true);
    assert.equal(evaluate('true or false and false'), true);
    assert.equal(evaluate('(true or false) and false'), false);
    assert.equal(evaluate('not true = false'), true);
    assert.equal(evaluate("'b' > 'a' AND NOT 'a' >= 'b'"), true);
  });

  it('converts Fahrenheit the way a user writes it', () => {
    assert.equal(evaluate('`W - Temperature` * 9 / 5 + 32', { 'W - Temperature': 100 }), 212);
  });

  it('reads fields by name, backticks and dotted paths; missing fields are null', () => {
    const row = { a: 2, 'b c': 3, nested: { x: { y: 5 } }, 'dot.name': 7 };
    assert.equal(evaluate('a * `b c`', row), 6);
    assert.equal(evaluate('nested.x.y + 1', row), 6);
    assert.equal(evaluate('`nested`.`x`.y', row), 5);
    assert.equal(evaluate('`dot.name`', row), 7);
    assert.equal(evaluate('Température + 1', { Température: 20 }), 21);
    assert.equal(evaluate('missing', row), null);
    assert.equal(evaluate('nested.z.y', row), null);
    assert.deepEqual(referencedFields(parseExpression('a + lower(`b c`) = nested.x')), [
      'a',
      'b c',
      'nested.x',
    ]);
  });

  it('passes null through arithmetic and ordering; = and != compare anything', () => {
    assert.equal(evaluate('x * 2 + 1', { x: null }), null);
    assert.equal(evaluate('missing > 3'), null);
    assert.equal(evaluate('missing = null'), true);
    assert.equal(evaluate("1 != '1'"), true);
    assert.equal(evaluate("s = 'K'", { s: 'K' }), true);
  });

  it('uses three-valued logic for and / or / not', () => {
    assert.equal(evaluate('null and false'), false);
    assert.equal(evaluate('null and true'), null);
    assert.equal(evaluate('null or true'), true);
    assert.equal(evaluate('null or false'), null);
    assert.equal(evaluate('not null'), null);
  });
});

describe('expression type errors fail the row', () => {
  it('names the operator and the value', () => {
    rowError("'abc' * 2", {}, '"*" needs numbers, got text "abc"');
    rowError('a + 1', { a: 'K' }, '"+" needs numbers, got text "K" (join text with concat())');
    rowError('a < 1', { a: 'K' }, '"<" cannot compare text "K" with number 1');
    rowError('1 / 0', {}, '"/" by zero');
    rowError('a and true', { a: 1 }, '"and" needs true, false or null, got number 1');
    rowError('-a', { a: true }, '"-" needs a number, got boolean true');
    rowError('lower(a)', { a: 5 }, 'lower() needs text as argument 1, got number 5');
    rowError("number('12abc')", {}, 'number() cannot read a number from text "12abc"');
    rowError(
      "year('2017-02-30')",
      {},
      'year() needs a timestamp (ISO text or epoch ms) as argument 1, got text "2017-02-30"',
    );
  });
});

describe('expression functions', () => {
  it('string functions', () => {
    assert.equal(evaluate("lower('ABC')"), 'abc');
    assert.equal(evaluate("upper('abc')"), 'ABC');
    assert.equal(evaluate("trim('  a b ')"), 'a b');
    assert.equal(evaluate("length('héllo')"), 5);
    assert.equal(evaluate("concat('a', 1, null, true)"), 'a1true');
    assert.equal(evaluate("substring('parquet', 2, 3)"), 'arq');
    assert.equal(evaluate("substring('parquet', 4)"), 'quet');
    assert.equal(evaluate("replace('a-b-c', '-', '+')"), 'a+b+c');
    assert.equal(evaluate("contains('Brooklyn', 'ook')"), true);
    assert.equal(evaluate("starts_with('Brooklyn', 'ook')"), false);
    assert.equal(evaluate('lower(missing)'), null);
    assert.equal(evaluate("'it\\'s' = \"it's\""), true);
  });

  it('numeric functions', () => {
    assert.equal(evaluate('abs(-2.5)'), 2.5);
    assert.equal(evaluate('round(2.5)'), 3);
    assert.equal(evaluate('round(-2.5)'), -3);
    assert.equal(evaluate('round(12.75, 1)'), 12.8);
    assert.equal(evaluate('floor(-1.5)'), -2);
    assert.equal(evaluate('ceil(1.2)'), 2);
    assert.equal(evaluate('min(3, null, 1)'), 1);
    assert.equal(evaluate("max('a', 'b')"), 'b');
    assert.equal(evaluate('max(null, missing)'), null);
  });

  it('coalesce, if, number and string', () => {
    assert.equal(evaluate('coalesce(null, x, 5)'), 5);
    assert.equal(evaluate("if(1 > 2, 'yes', 'no')"), 'no');
    assert.equal(evaluate('if(null, 1, 2)'), 2);
    assert.equal(evaluate('if(true, 1, 1 / 0)'), 1, 'the branch not taken is not evaluated');
    assert.equal(evaluate("number(' 42.5 ')"), 42.5);
    assert.equal(evaluate('number(true)'), 1);
    assert.equal(evaluate('string(12)'), '12');
    assert.equal(evaluate('string(o)', { o: { a: [1] } }), '{"a":[1]}');
  });

  it('date parts in UTC, from ISO text, offsets, bare dates and epoch ms', () => {
    // 5 January 2017 was a Thursday (1 January 2017 was a Sunday)
    const row = { t: '2017-01-05T08:30:45.123Z' };
    assert.deepEqual(
      ['year', 'month', 'day', 'hour', 'minute', 'weekday'].map((f) => evaluate(`${f}(t)`, row)),
      [2017, 1, 5, 8, 30, 4],
    );
    assert.equal(evaluate("hour('2017-01-05T08:30:00+05:30')"), 3);
    assert.equal(evaluate("day('2017-01-05T22:00:00-03:00')"), 6);
    assert.equal(evaluate("hour('2017-01-05')"), 0);
    assert.equal(evaluate("minute('2016-07-01T00:07:00.123456Z')"), 7);
    // 2017-01-01 = 1483228800 s; + 4 days + 8.5 hours = 1483605000 s
    assert.equal(evaluate('hour(1483605000000)'), 8);
    assert.equal(evaluate("weekday('2017-01-08')"), 7);
    assert.equal(evaluate("year('0099-12-31T23:59:59Z')"), 99);
    assert.equal(evaluate("year('+012345-06-01T00:00:00Z')"), 12345);
    assert.equal(evaluate("year('-000001-06-01')"), -1);
  });

  it('date_trunc, date_add and date_diff', () => {
    const row = { t: '2017-01-05T08:37:45.123Z' };
    assert.equal(evaluate("date_trunc('hour', t)", row), '2017-01-05T08:00:00.000Z');
    assert.equal(evaluate("date_trunc('15m', t)", row), '2017-01-05T08:30:00.000Z');
    assert.equal(evaluate("date_trunc('day', t)", row), '2017-01-05T00:00:00.000Z');
    assert.equal(evaluate("date_trunc('week', t)", row), '2017-01-02T00:00:00.000Z');
    assert.equal(evaluate("date_trunc('month', t)", row), '2017-01-01T00:00:00.000Z');
    assert.equal(evaluate("date_trunc('year', t)", row), '2017-01-01T00:00:00.000Z');
    assert.equal(evaluate("date_add('2017-01-05T23:55:00Z', '10m')"), '2017-01-06T00:05:00.000Z');
    assert.equal(evaluate("date_add('2016-03-01', '-1d')"), '2016-02-29T00:00:00.000Z');
    assert.equal(
      evaluate("date_diff('2017-01-05T10:00:00Z', '2017-01-05T08:30:00Z', 'minute')"),
      90,
    );
    assert.equal(evaluate("date_diff('2017-01-05T10:00:00Z', '2017-01-05T08:30:00Z', 'h')"), 1.5);
    assert.equal(evaluate("date_diff('2017-01-01', '2017-01-08', 'day')"), -7);
  });
});

describe('expression syntax errors name the column', () => {
  it('reports what was expected and where', () => {
    syntaxError('a + * 2', 'expected a value, found "*" at column 5');
    syntaxError('lower(a', 'expected a "," or a closing ")", found the end at column 8');
    syntaxError('(1 + 2', 'expected a closing ")", found the end at column 7');
    syntaxError('foo(1)', 'unknown function "foo" at column 1');
    syntaxError("'abc", "text has no closing ' at column 1");
    syntaxError('`abc', 'field name has no closing ` at column 1');
    syntaxError('a # b', 'unexpected character "#" at column 3');
    syntaxError('1 < 2 < 3', 'comparisons do not chain — join them with "and" at column 7');
    syntaxError('a b', 'expected an operator or the end, found "b" at column 3');
    syntaxError("substring('a')", 'substring() takes 2 to 3 arguments, got 1 at column 1');
    syntaxError('lower()', 'lower() takes 1 argument, got 0 at column 1');
    syntaxError(
      "date_trunc('fortnight', t)",
      'date_trunc() does not know the unit "fortnight" — use year, month, week, day, hour, minute, second or a duration such as "15m" at column 1',
    );
    syntaxError('and', 'expected a value, found "and" at column 1');
  });
});
