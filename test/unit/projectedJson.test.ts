// The worker reads only the fields a transform uses (projectedJson.ts). Oracle: JSON.parse of the
// whole text, then those fields picked — for hand-written edge cases, every kind of invalid text,
// and thousands of seeded random documents and byte-level mutations of them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonRowReader } from '../../main/pipelines/projectedJson';
import type { Row } from '../../main/pipelines/pipeline';

/** What JSON.parse makes of `text`, picked to `fields`; null when it is not a JSON object. */
function oracle(text: string, fields: readonly string[]): Row | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const row: Row = {};
  for (const field of fields) if (Object.hasOwn(parsed, field)) row[field] = (parsed as Row)[field];
  return row;
}

function agrees(text: string | Buffer, fields: readonly string[]): void {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const got = jsonRowReader(fields)(bytes);
  assert.deepEqual(got, oracle(bytes.toString('utf8'), fields), `text: ${bytes.toString('utf8')}`);
}

const DEMO_FIELDS = ['Issue Date', 'W - Temperature', 'Violation County Name'];

describe('projected JSON rows', () => {
  it('reads the wanted fields of a demo row and nothing else', () => {
    const text =
      '{"Summons Number":8000000005,"Plate ID":"AXD7841","Issue Date":"2016-07-01T00:00:28.000Z",' +
      '"Violation County Name":"K","W - Temperature":null,"Fine Amount":115}';
    const row = jsonRowReader(DEMO_FIELDS)(Buffer.from(text));
    assert.deepEqual(row, {
      'Issue Date': '2016-07-01T00:00:28.000Z',
      'Violation County Name': 'K',
      'W - Temperature': null,
    });
  });

  it('decodes every kind of value as JSON.parse does', () => {
    const fields = ['s', 'n', 'o', 'a', 't', 'f', 'z', 'é', 'k"q'];
    for (const value of [
      '"plain"',
      '"caf\u00e9 \u20ac \ud83d\ude00"',
      '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00 \\ud800"',
      '""',
      '0',
      '-0',
      '7',
      '-42',
      '123456789012345',
      '1234567890123456789',
      '9007199254740993',
      '3.25',
      '-0.5e-3',
      '1E+21',
      '2e308',
      'true',
      'false',
      'null',
      '{}',
      '[]',
      '{"x":[1,{"y":"}"}],"z":null}',
      '[1, "two", [3], {"four": 4}]',
    ]) {
      for (const name of fields) {
        const key = JSON.stringify(name);
        agrees(`{${key}:${value}}`, fields);
        agrees(` \n{ "other" : ${value} ,\t${key} :${value}\r}  `, fields);
      }
    }
  });

  it('matches keys written with escapes, and takes the last of a repeated key', () => {
    agrees('{"\\u0061":1,"b":2}', ['a']);
    agrees('{"k\\"q":1}', ['k"q']);
    agrees('{"a":1,"a":2,"a":{"b":3}}', ['a']);
    agrees('{"ab":1,"a":2,"abc":3}', ['a', 'abc']);
  });

  it('refuses every text that is not a JSON object, as JSON.parse does', () => {
    for (const text of [
      '',
      ' ',
      '[]',
      '[{"a":1}]',
      '"a"',
      '1',
      'null',
      '{',
      '{"a":1',
      '{"a":1,}',
      '{,"a":1}',
      '{"a" 1}',
      '{"a":}',
      "{'a':1}",
      '{a:1}',
      '{"a":1}}',
      '{"a":1} x',
      '{"a":1}{}',
      '{"a":"x\ny"}',
      '{"a":"\\x"}',
      '{"a":"\\u12g4"}',
      '{"a":"unterminated}',
      '{"a":01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":+1}',
      '{"a":-}',
      '{"a":1e}',
      '{"a":NaN}',
      '{"a":tru}',
      '{"a":nulls}',
      '{"a":[1,]}',
      '{"a":[1 2]}',
      '{"b":{"c" 1},"a":1}',
      '\ufeff{"a":1}',
    ]) {
      agrees(text, ['a']);
      assert.equal(jsonRowReader(['a'])(Buffer.from(text)), null, text);
    }
  });

  it('reads rows nested deeper than the scan goes', () => {
    const deep = `{"a":1,"b":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    agrees(deep, ['a']);
    agrees(`{"a":1,"b":${'['.repeat(200_000)}}`, ['a']);
  });

  it('reads the whole row when no fields are named, or a field is "__proto__"', () => {
    assert.deepEqual(jsonRowReader(null)(Buffer.from('{"a":1,"b":[2]}')), { a: 1, b: [2] });
    const row = jsonRowReader(['__proto__'])(Buffer.from('{"__proto__":{"x":1},"b":2}'));
    assert.ok(row !== null && Object.hasOwn(row, '__proto__'));
    assert.equal(jsonRowReader(['a'])(null), null);
  });

  it('agrees with JSON.parse on thousands of random documents and their mutations', () => {
    let seed = 20261129;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const names = ['a', 'b', 'é', 'k"q', 'long name', ''];
    const value = (depth: number): unknown => {
      switch (Math.floor(random() * (depth > 2 ? 5 : 7))) {
        case 0:
          return pick(['x', 'caf\u00e9', 'q"uote\n', '\ud83d\ude00', '']);
        case 1:
          return Math.floor(random() * 2e6) - 1e6;
        case 2:
          return (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
        case 3:
          return pick([true, false, null]);
        case 4:
          return pick([0, -1, 2 ** 53 + 2]);
        case 5:
          return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
        default:
          return Object.fromEntries(
            Array.from({ length: Math.floor(random() * 4) }, () => [pick(names), value(depth + 1)]),
          );
      }
    };
    const fields = ['a', 'é', 'k"q'];
    for (let n = 0; n < 3000; n++) {
      const document = Object.fromEntries(
        Array.from({ length: 1 + Math.floor(random() * 6) }, () => [pick(names), value(0)]),
      );
      const text = JSON.stringify(document, null, random() < 0.3 ? 1 : undefined);
      agrees(text, fields);
      const bytes = Buffer.from(text);
      const at = Math.floor(random() * bytes.length);
      const mutated = pick([
        Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]),
        Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(pick(['"', ',', '}', '\\', '1', ' ', 'e'])),
          bytes.subarray(at),
        ]),
      ]);
      agrees(mutated, fields);
    }
  });
});
