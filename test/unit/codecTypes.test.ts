// The row → JSON codec, type by type, against the wire-format table in docs/wire-format.md, on Arrow tables
// built in memory. Every case also checks that slices and multi-batch tables give the same rows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { RowCodec, type TimestampMode } from '../../main/parquet/rowCodec';
import { InputError } from '../../main/shared/errors';

function tableOf(columns: Record<string, arrow.Vector>): arrow.Table {
  return new arrow.Table(columns);
}

/** JSON rows of the table, checked to be the same through every slice and a two-batch split */
function encode(table: arrow.Table, timestamps: TimestampMode = 'iso'): string[] {
  const codec = new RowCodec(table.schema, { timestamps });
  const rows = codec.encodeRows(table);
  for (let start = 0; start < table.numRows; start++) {
    assert.deepEqual(
      codec.encodeRows(table.slice(start, start + 2)),
      rows.slice(start, start + 2),
      `slice at ${start}`,
    );
  }
  if (table.numRows >= 2) {
    const half = Math.floor(table.numRows / 2);
    const split = new arrow.Table([...table.slice(0, half).batches, ...table.slice(half).batches]);
    assert.deepEqual(codec.encodeRows(split), rows, 'two batches');
  }
  for (const row of rows) JSON.parse(row); // every row is valid JSON
  return rows;
}

/** the JSON text of column `x` in each row */
function values(vector: arrow.Vector, timestamps: TimestampMode = 'iso'): string[] {
  return encode(tableOf({ x: vector }), timestamps).map((row) => {
    assert.ok(row.startsWith('{"x":') && row.endsWith('}'), row);
    return row.slice(5, -1);
  });
}

/** a fixed-width column from raw values and validity (false = null) */
function fixedWidth<T extends arrow.DataType>(
  type: T,
  data: ArrayLike<number | bigint>,
  valid?: boolean[],
): arrow.Vector {
  const length =
    valid?.length ??
    (type.typeId === arrow.Type.Decimal
      ? data.length / ((type as unknown as arrow.Decimal).bitWidth / 32)
      : data.length);
  const nullBitmap = valid
    ? Uint8Array.from({ length: Math.ceil(length / 8) }, (_, byte) =>
        valid
          .slice(byte * 8, byte * 8 + 8)
          .reduce((bits, ok, bit) => bits | (ok ? 1 << bit : 0), 0),
      )
    : undefined;
  return arrow.makeVector(
    arrow.makeData({
      type,
      length,
      nullCount: valid ? valid.filter((ok) => !ok).length : 0,
      nullBitmap,
      data: data as never,
    } as never),
  );
}

describe('numbers', () => {
  it('null type, booleans (true and false) and small integers', () => {
    assert.deepEqual(values(arrow.vectorFromArray([null, null], new arrow.Null())), [
      'null',
      'null',
    ]);
    assert.deepEqual(values(arrow.vectorFromArray([true, null, false], new arrow.Bool())), [
      'true',
      'null',
      'false',
    ]);
    assert.deepEqual(values(arrow.vectorFromArray([-128, 0, null, 127], new arrow.Int8())), [
      '-128',
      '0',
      'null',
      '127',
    ]);
    assert.deepEqual(values(arrow.vectorFromArray([-32768, 32767], new arrow.Int16())), [
      '-32768',
      '32767',
    ]);
    assert.deepEqual(
      values(arrow.vectorFromArray([-2147483648, 2147483647, 7, null], new arrow.Int32())),
      ['-2147483648', '2147483647', '7', 'null'],
    );
    assert.deepEqual(values(arrow.vectorFromArray([0, 255], new arrow.Uint8())), ['0', '255']);
    assert.deepEqual(values(arrow.vectorFromArray([65535], new arrow.Uint16())), ['65535']);
    assert.deepEqual(values(arrow.vectorFromArray([4294967295, 1, null], new arrow.Uint32())), [
      '4294967295',
      '1',
      'null',
    ]);
  });

  it('booleans across bitmap bytes, with and without nulls, are true, false or null', () => {
    const flags = Array.from({ length: 21 }, (_, i) => i % 3 === 0);
    assert.deepEqual(
      values(arrow.vectorFromArray(flags, new arrow.Bool())),
      flags.map((flag) => (flag ? 'true' : 'false')),
    );
    const withNulls = flags.map((flag, i) => (i % 5 === 4 ? null : flag));
    assert.deepEqual(
      values(arrow.vectorFromArray(withNulls, new arrow.Bool())),
      withNulls.map((flag) => (flag === null ? 'null' : flag ? 'true' : 'false')),
    );
  });

  it('float64: JavaScript number text; NaN and ±Infinity become null; -0 is 0', () => {
    const doubles = [
      0.1 + 0.2,
      1e21,
      123456789012,
      2 ** 53,
      -2.5,
      5e-324,
      -0,
      NaN,
      Infinity,
      -Infinity,
      68.6,
      68.6,
    ];
    assert.deepEqual(values(fixedWidth(new arrow.Float64(), Float64Array.from(doubles))), [
      '0.30000000000000004',
      '1e+21',
      '123456789012',
      '9007199254740992',
      '-2.5',
      '5e-324',
      '0',
      'null',
      'null',
      'null',
      '68.6',
      '68.6',
    ]);
    assert.deepEqual(values(arrow.vectorFromArray([1.5, null], new arrow.Float64())), [
      '1.5',
      'null',
    ]);
  });

  it('float32 and float16: the shortest text that reads back as the same value', () => {
    const singles = Float32Array.from([
      1.1,
      0.1,
      3.4028234663852886e38,
      -2.7725928,
      1e-45,
      NaN,
      Infinity,
      16777216,
    ]);
    assert.deepEqual(values(fixedWidth(new arrow.Float32(), singles)), [
      '1.1',
      '0.1',
      '3.4028235e+38',
      '-2.7725928',
      '1e-45',
      'null',
      'null',
      '16777216',
    ]);
    const halves = Uint16Array.from(
      [0.1, 65504, -2, NaN].map((n) => arrow.util.float64ToUint16(n)),
    );
    assert.deepEqual(values(fixedWidth(new arrow.Float16(), halves)), [
      '0.1',
      '65500',
      '-2',
      'null',
    ]);
  });

  it('int64 and uint64: numbers within ±(2^53−1), otherwise strings of the exact digits', () => {
    const signed = BigInt64Array.from([
      2n ** 53n - 1n,
      -(2n ** 53n - 1n),
      2n ** 53n,
      -(2n ** 53n),
      2n ** 63n - 1n,
      -(2n ** 63n),
      0n,
      -1n,
      8000000005n,
    ]);
    assert.deepEqual(values(fixedWidth(new arrow.Int64(), signed)), [
      '9007199254740991',
      '-9007199254740991',
      '"9007199254740992"',
      '"-9007199254740992"',
      '"9223372036854775807"',
      '"-9223372036854775808"',
      '0',
      '-1',
      '8000000005',
    ]);
    const unsigned = BigUint64Array.from([2n ** 64n - 1n, 2n ** 53n - 1n, 2n ** 53n, 4294967296n]);
    assert.deepEqual(values(fixedWidth(new arrow.Uint64(), unsigned)), [
      '"18446744073709551615"',
      '9007199254740991',
      '"9007199254740992"',
      '4294967296',
    ]);
    assert.deepEqual(
      values(fixedWidth(new arrow.Int64(), BigInt64Array.from([5n, 0n]), [true, false])),
      ['5', 'null'],
    );
  });

  it('durations follow the int64 rule in their own unit', () => {
    assert.deepEqual(
      values(
        fixedWidth(
          new arrow.Duration(arrow.TimeUnit.MILLISECOND),
          BigInt64Array.from([1500n, 2n ** 60n]),
        ),
      ),
      ['1500', '"1152921504606846976"'],
    );
  });
});

/** little-endian two's complement 32-bit words of a big integer */
function decimalWords(values: bigint[], bitWidth: number): Uint32Array {
  const words = bitWidth / 32;
  const out = new Uint32Array(values.length * words);
  values.forEach((value, i) => {
    let rest = BigInt.asUintN(bitWidth, value);
    for (let w = 0; w < words; w++) {
      out[i * words + w] = Number(rest & 0xffffffffn);
      rest >>= 32n;
    }
  });
  return out;
}

describe('decimals', () => {
  it('strings with exactly `scale` fraction digits, for 128- and 256-bit decimals', () => {
    const unscaled = [
      100n,
      -5n,
      0n,
      2400n,
      10n ** 38n - 1n,
      -(10n ** 38n - 1n),
      2n ** 64n,
      -(2n ** 53n),
    ];
    assert.deepEqual(
      values(fixedWidth(new arrow.Decimal(2, 38, 128), decimalWords(unscaled, 128))),
      [
        '"1.00"',
        '"-0.05"',
        '"0.00"',
        '"24.00"',
        '"999999999999999999999999999999999999.99"',
        '"-999999999999999999999999999999999999.99"',
        '"184467440737095516.16"',
        '"-90071992547409.92"',
      ],
    );
    assert.deepEqual(
      values(
        fixedWidth(new arrow.Decimal(10, 76, 256), decimalWords([-(10n ** 70n) - 1n, 123n], 256)),
      ),
      [`"-1${'0'.repeat(60)}.0000000001"`, '"0.0000000123"'],
    );
    assert.deepEqual(
      values(
        fixedWidth(new arrow.Decimal(0, 9, 128), decimalWords([123n, -7n], 128), [true, true]),
      ),
      ['"123"', '"-7"'],
    );
    assert.deepEqual(
      values(fixedWidth(new arrow.Decimal(2, 9, 128), decimalWords([1n, 0n], 128), [true, false])),
      ['"0.01"', 'null'],
    );
  });
});

describe('64-bit integers and decimals between 2^53 and 2^64', () => {
  // Past 2^53 a double cannot hold every integer: 2^53 + 1 read as a number becomes
  // 9007199254740992. The digits below are written by hand, not computed.
  it('int64: exact digits on both sides of ±2^53 and up to ±(2^63)', () => {
    const signed = BigInt64Array.from([
      0x1fffff_ffffffffn, // 2^53 − 1, the last number
      0x200000_00000001n, // 2^53 + 1
      0x200000_00000003n, // 2^53 + 3
      0x3fffff_ffffffffn, // 2^54 − 1
      0x80000000000005n, // 2^55 + 5
      0x40000000_00000001n, // 2^62 + 1
      -0x1fffff_ffffffffn, // −(2^53 − 1), the last negative number
      -0x200000_00000001n, // −(2^53 + 1)
      -0x40000000_00000001n, // −(2^62 + 1)
      -0x7fffffff_ffffffffn, // −(2^63 − 1)
    ]);
    assert.deepEqual(values(fixedWidth(new arrow.Int64(), signed)), [
      '9007199254740991',
      '"9007199254740993"',
      '"9007199254740995"',
      '"18014398509481983"',
      '"36028797018963973"',
      '"4611686018427387905"',
      '-9007199254740991',
      '"-9007199254740993"',
      '"-4611686018427387905"',
      '"-9223372036854775807"',
    ]);
  });

  it('uint64: exact digits from 2^53 + 1 to 2^64 − 2', () => {
    const unsigned = BigUint64Array.from([
      0x200000_00000001n, // 2^53 + 1
      0x7fffffff_ffffffffn, // 2^63 − 1
      0x80000000_00000001n, // 2^63 + 1
      0xffffffff_fffffffen, // 2^64 − 2
      0x1fffff_fffffffen, // 2^53 − 2, still a number
    ]);
    assert.deepEqual(values(fixedWidth(new arrow.Uint64(), unsigned)), [
      '"9007199254740993"',
      '"9223372036854775807"',
      '"9223372036854775809"',
      '"18446744073709551614"',
      '9007199254740990',
    ]);
  });

  it('int64 nulls keep their rows in slices that start mid-column', () => {
    const ids = BigInt64Array.from([1n, 0n, 0x200000_00000001n, 0n, -3n]);
    assert.deepEqual(values(fixedWidth(new arrow.Int64(), ids, [true, false, true, false, true])), [
      '1',
      'null',
      '"9007199254740993"',
      'null',
      '-3',
    ]);
  });

  it('int64 and uint64 inside lists take the same rule (the nested encoder)', () => {
    const signed = new arrow.List(new arrow.Field('item', new arrow.Int64(), true));
    const unsigned = new arrow.List(new arrow.Field('item', new arrow.Uint64(), true));
    const table = tableOf({
      x: arrow.vectorFromArray(
        [
          [0x200000_00000001n, -0x200000_00000001n, 0x1fffff_ffffffffn, -0x1fffff_ffffffffn],
          [-0x200000_00000000n, 0x7fffffff_ffffffffn],
        ],
        signed,
      ),
      y: arrow.vectorFromArray(
        [
          [0xffffffff_fffffffen, 0x200000_00000001n],
          [0x1fffff_ffffffffn, 7n, 8n],
        ],
        unsigned,
      ),
    });
    assert.deepEqual(encode(table), [
      '{"x":["9007199254740993","-9007199254740993",9007199254740991,-9007199254740991],' +
        '"y":["18446744073709551614","9007199254740993"]}',
      '{"x":["-9007199254740992","9223372036854775807"],"y":[9007199254740991,7,8]}',
    ]);
  });

  it('decimals: every digit of unscaled values past ±2^53, in 128 and 256 bits', () => {
    const unscaled = [
      0x1fffff_ffffffffn, // 2^53 − 1
      0x200000_00000000n, // 2^53
      0x200000_00000001n, // 2^53 + 1
      0x3fffff_ffffffffn, // 2^54 − 1
      0x80000000_00000007n, // 2^63 + 7
      0xffffffff_ffffffffn, // 2^64 − 1
      -0x1fffff_ffffffffn, // −(2^53 − 1)
      -0x1fffff_00000000n, // −(2^53 − 2^32): high word 0xffe00001, the last on the fast path
      -0x1fffff_00000001n, // −(2^53 − 2^32 + 1): high word 0xffe00000
      -0x200000_00000001n, // −(2^53 + 1)
      -0xffffffff_ffffffffn, // −(2^64 − 1)
      0x1_00000000_00000000_00000001n, // 2^96 + 1
    ];
    const expected = [
      '"90071992547409.91"',
      '"90071992547409.92"',
      '"90071992547409.93"',
      '"180143985094819.83"',
      '"92233720368547758.15"',
      '"184467440737095516.15"',
      '"-90071992547409.91"',
      '"-90071949597736.96"',
      '"-90071949597736.97"',
      '"-90071992547409.93"',
      '"-184467440737095516.15"',
      '"792281625142643375935439503.37"',
    ];
    for (const bitWidth of [128, 256]) {
      assert.deepEqual(
        values(fixedWidth(new arrow.Decimal(2, 38, bitWidth), decimalWords(unscaled, bitWidth))),
        expected,
        `${bitWidth} bits`,
      );
    }
    // the 128-bit minimum, −2^127, whose top word is exactly 0x80000000
    assert.deepEqual(
      values(fixedWidth(new arrow.Decimal(0, 38, 128), decimalWords([-(1n << 127n)], 128))),
      ['"-170141183460469231731687303715884105728"'],
    );
    // a negative value on the slow path with more fraction digits than digits: −(2^96 + 1)
    assert.deepEqual(
      values(fixedWidth(new arrow.Decimal(30, 38, 128), decimalWords([-(1n << 96n) - 1n], 128))),
      ['"-0.079228162514264337593543950337"'],
    );
    assert.deepEqual(
      values(
        fixedWidth(
          new arrow.Decimal(0, 20, 128),
          decimalWords([0x200000_00000001n, -0x200000_00000001n], 128),
        ),
      ),
      ['"9007199254740993"', '"-9007199254740993"'],
    );
  });
});

describe('32- and 64-bit decimals and negative scales', () => {
  it('decimal32 and decimal64 keep every digit, at their limits too', () => {
    const small = [123n, -7n, 0x7fffffffn, -0x80000000n]; // 2^31 − 1 and −2^31
    assert.deepEqual(values(fixedWidth(new arrow.Decimal(2, 9, 32), decimalWords(small, 32))), [
      '"1.23"',
      '"-0.07"',
      '"21474836.47"',
      '"-21474836.48"',
    ]);
    const wide = [0x200000_00000001n, -0x200000_00000001n, 0x7fffffff_ffffffffn, -(1n << 63n)];
    assert.deepEqual(values(fixedWidth(new arrow.Decimal(2, 18, 64), decimalWords(wide, 64))), [
      '"90071992547409.93"',
      '"-90071992547409.93"',
      '"92233720368547758.07"',
      '"-92233720368547758.08"',
    ]);
  });

  it('a negative scale appends zeros, and zero stays 0', () => {
    assert.deepEqual(
      values(fixedWidth(new arrow.Decimal(-3, 5, 128), decimalWords([12n, 0n, -5n], 128))),
      ['"12000"', '"0"', '"-5000"'],
    );
  });
});

describe('dates, times and timestamps', () => {
  it('dates as YYYY-MM-DD, including leap days and years outside 0–9999', () => {
    const days = Int32Array.from([0, -1, 19723, 11016, -719528, 2932897, -719529]);
    assert.deepEqual(values(fixedWidth(new arrow.DateDay(), days)), [
      '"1970-01-01"',
      '"1969-12-31"',
      '"2024-01-01"',
      '"2000-02-29"',
      '"0000-01-01"',
      '"+010000-01-01"',
      '"-000001-12-31"',
    ]);
    const millis = BigInt64Array.from([1704067200000n, -86400000n]);
    assert.deepEqual(values(fixedWidth(new arrow.DateMillisecond(), millis)), [
      '"2024-01-01"',
      '"1969-12-31"',
    ]);
  });

  const instant = 1704141296n; // 2024-01-01T20:34:56Z
  const units: [arrow.TimeUnit, bigint, string][] = [
    [arrow.TimeUnit.SECOND, instant, '2024-01-01T20:34:56Z'],
    [arrow.TimeUnit.MILLISECOND, instant * 1000n + 123n, '2024-01-01T20:34:56.123Z'],
    [arrow.TimeUnit.MICROSECOND, instant * 1000000n + 123456n, '2024-01-01T20:34:56.123456Z'],
    [
      arrow.TimeUnit.NANOSECOND,
      instant * 1000000000n + 123456789n,
      '2024-01-01T20:34:56.123456789Z',
    ],
  ];

  it('timestamps in every unit: ISO-8601 UTC keeping the unit precision, or epoch milliseconds', () => {
    for (const [unit, value, iso] of units) {
      const vector = fixedWidth(new arrow.Timestamp(unit), BigInt64Array.from([value, 0n]), [
        true,
        false,
      ]);
      assert.deepEqual(values(vector), [`"${iso}"`, 'null'], arrow.TimeUnit[unit]);
      assert.deepEqual(values(vector, 'epoch-ms'), [
        String(instant * 1000n + (unit === arrow.TimeUnit.SECOND ? 0n : 123n)),
        'null',
      ]);
    }
  });

  it('timestamps before 1970, at the int64 nanosecond limits, and beyond year 9999', () => {
    const nanos = fixedWidth(
      new arrow.TimestampNanosecond(),
      BigInt64Array.from([-1n, -(2n ** 63n), 2n ** 63n - 1n, 0n]),
    );
    assert.deepEqual(values(nanos), [
      '"1969-12-31T23:59:59.999999999Z"',
      '"1677-09-21T00:12:43.145224192Z"',
      '"2262-04-11T23:47:16.854775807Z"',
      '"1970-01-01T00:00:00.000000000Z"',
    ]);
    assert.deepEqual(values(nanos, 'epoch-ms'), ['-1', '-9223372036855', '9223372036854', '0']);
    const micros = fixedWidth(
      new arrow.TimestampMicrosecond(),
      BigInt64Array.from([253402300800000000n, -62167219200000000n, -62198755200000000n]),
    );
    assert.deepEqual(values(micros), [
      '"+010000-01-01T00:00:00.000000Z"',
      '"0000-01-01T00:00:00.000000Z"',
      '"-000001-01-01T00:00:00.000000Z"',
    ]);
    const seconds = fixedWidth(new arrow.TimestampSecond(), BigInt64Array.from([-1n, 2n ** 62n]));
    assert.equal(values(seconds)[0], '"1969-12-31T23:59:59Z"');
    assert.match(values(seconds)[1], /^"\+\d{6,}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/);
  });

  it('agrees with Date.toISOString across a range of milliseconds', () => {
    const millis = Array.from({ length: 500 }, (_, i) => BigInt(Math.round(Math.sin(i) * 2 ** 45)));
    const rendered = values(
      fixedWidth(new arrow.TimestampMillisecond(), BigInt64Array.from(millis)),
    );
    millis.forEach((ms, i) => assert.equal(rendered[i], `"${new Date(Number(ms)).toISOString()}"`));
  });

  it('time zones do not change the instant, written in UTC', () => {
    const vector = fixedWidth(
      new arrow.Timestamp(arrow.TimeUnit.MILLISECOND, '+02:00'),
      BigInt64Array.from([0n]),
    );
    assert.deepEqual(values(vector), ['"1970-01-01T00:00:00.000Z"']);
  });

  it('times of day as HH:MM:SS with the unit fraction', () => {
    assert.deepEqual(values(fixedWidth(new arrow.TimeSecond(), Int32Array.from([45296, 0]))), [
      '"12:34:56"',
      '"00:00:00"',
    ]);
    assert.deepEqual(values(fixedWidth(new arrow.TimeMillisecond(), Int32Array.from([45296789]))), [
      '"12:34:56.789"',
    ]);
    assert.deepEqual(
      values(fixedWidth(new arrow.TimeMicrosecond(), BigInt64Array.from([45296789012n]))),
      ['"12:34:56.789012"'],
    );
    assert.deepEqual(
      values(fixedWidth(new arrow.TimeNanosecond(), BigInt64Array.from([86399999999999n]))),
      ['"23:59:59.999999999"'],
    );
  });
});

describe('strings and binary', () => {
  const awkward = [
    'plain',
    'quote " and backslash \\',
    'new\nline\ttab',
    '\u0001\u001f',
    'café',
    '日本語',
    'emoji 😀 pair',
    '',
    'é"mixed\n',
  ];

  it('strings: escaped exactly like JSON.stringify, whatever the characters', () => {
    const rendered = values(arrow.vectorFromArray([...awkward, null], new arrow.Utf8()));
    assert.deepEqual(rendered, [...awkward.map((text) => JSON.stringify(text)), 'null']);
    assert.deepEqual(
      values(arrow.vectorFromArray(awkward, new arrow.LargeUtf8())),
      awkward.map((text) => JSON.stringify(text)),
    );
  });

  it('plain ASCII and non-ASCII strings next to other columns keep every row intact', () => {
    const table = tableOf({
      name: arrow.vectorFromArray(['Zoë', 'plain', '😀x', null, 'Ünïcödé'], new arrow.Utf8()),
      n: arrow.vectorFromArray([1, 2, 3, 4, 5], new arrow.Int32()),
      tag: arrow.vectorFromArray(['a', 'b', 'c', 'd', 'e'], new arrow.Utf8()),
    });
    assert.deepEqual(
      encode(table).map((row) => JSON.parse(row)),
      [
        { name: 'Zoë', n: 1, tag: 'a' },
        { name: 'plain', n: 2, tag: 'b' },
        { name: '😀x', n: 3, tag: 'c' },
        { name: null, n: 4, tag: 'd' },
        { name: 'Ünïcödé', n: 5, tag: 'e' },
      ],
    );
  });

  it('invalid UTF-8 in a string column becomes replacement characters', () => {
    const data = arrow.makeData({
      type: new arrow.Utf8(),
      length: 1,
      nullCount: 0,
      valueOffsets: Int32Array.from([0, 2]),
      data: Uint8Array.from([0x61, 0xff]),
    });
    assert.deepEqual(values(arrow.makeVector(data)), ['"a\ufffd"']);
  });

  it('binary: UTF-8 text when valid, otherwise base64', () => {
    const blobs = [
      Buffer.from('héllo'),
      Uint8Array.from([0xff, 0xfe]),
      new Uint8Array(0),
      Buffer.from('a"b'),
      null,
    ];
    assert.deepEqual(values(arrow.vectorFromArray(blobs, new arrow.Binary())), [
      '"héllo"',
      '"//4="',
      '""',
      '"a\\"b"',
      'null',
    ]);
    assert.deepEqual(values(arrow.vectorFromArray(blobs.slice(0, 2), new arrow.LargeBinary())), [
      '"héllo"',
      '"//4="',
    ]);
    const fixed = [Uint8Array.from([0x4f, 0x4b]), Uint8Array.from([0xc3, 0x28])];
    assert.deepEqual(values(arrow.vectorFromArray(fixed, new arrow.FixedSizeBinary(2))), [
      '"OK"',
      '"wyg="',
    ]);
  });
});

describe('nested types', () => {
  const item = (type: arrow.DataType) => new arrow.Field('item', type, true);

  it('lists, large lists and fixed-size lists become arrays', () => {
    assert.deepEqual(
      values(
        arrow.vectorFromArray([[1, null, 3], null, []], new arrow.List(item(new arrow.Int32()))),
      ),
      ['[1,null,3]', 'null', '[]'],
    );
    assert.deepEqual(
      values(arrow.vectorFromArray([['a"', 'b']], new arrow.LargeList(item(new arrow.Utf8())))),
      ['["a\\"","b"]'],
    );
    assert.deepEqual(
      values(
        arrow.vectorFromArray(
          [['x', null], null],
          new arrow.FixedSizeList(2, item(new arrow.Utf8())),
        ),
      ),
      ['["x",null]', 'null'],
    );
    assert.deepEqual(
      values(
        arrow.vectorFromArray([[true, null, false], []], new arrow.List(item(new arrow.Bool()))),
      ),
      ['[true,null,false]', '[]'],
    );
    const nested = new arrow.List(item(new arrow.List(item(new arrow.Float64()))));
    assert.deepEqual(values(arrow.vectorFromArray([[[1.5], [], null]], nested)), [
      '[[1.5],[],null]',
    ]);
  });

  it('structs become objects, nested and null ones included', () => {
    const inner = new arrow.Struct([new arrow.Field('when', new arrow.DateDay(), true)]);
    const type = new arrow.Struct([
      new arrow.Field('a', new arrow.Int64(), true),
      new arrow.Field('b', inner, true),
      new arrow.Field('c"', new arrow.Utf8(), true),
      new arrow.Field('d', new arrow.Bool(), true),
    ]);
    const rows = [
      { a: 2n ** 60n, b: { when: new Date(Date.UTC(2024, 0, 1)) }, 'c"': 'x', d: true },
      null,
      { a: null, b: null, 'c"': null, d: false },
      { a: null, b: null, 'c"': null, d: null },
    ];
    assert.deepEqual(values(arrow.vectorFromArray(rows, type)), [
      '{"a":"1152921504606846976","b":{"when":"2024-01-01"},"c\\"":"x","d":true}',
      'null',
      '{"a":null,"b":null,"c\\"":null,"d":false}',
      '{"a":null,"b":null,"c\\"":null,"d":null}',
    ]);
  });

  const mapType = (key: arrow.DataType, value: arrow.DataType) =>
    new arrow.Map_(
      new arrow.Field(
        'entries',
        new arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>([
          new arrow.Field('key', key, false),
          new arrow.Field('value', value, true),
        ]),
        false,
      ),
    );

  it('maps with string or number keys become objects; boolean keys give [key, value] pairs', () => {
    const byName = arrow.vectorFromArray(
      [
        new Map([
          ['a', 1],
          ['b"', null],
        ]),
        null,
        new Map(),
      ],
      mapType(new arrow.Utf8(), new arrow.Int32()),
    );
    assert.deepEqual(values(byName), ['{"a":1,"b\\"":null}', 'null', '{}']);
    const byNumber = arrow.vectorFromArray(
      [
        new Map([
          [1, 'one'],
          [-2, 'minus two'],
        ]),
      ],
      mapType(new arrow.Int32(), new arrow.Utf8()),
    );
    assert.deepEqual(values(byNumber), ['{"1":"one","-2":"minus two"}']);
    const byFlag = arrow.vectorFromArray(
      [
        new Map([
          [true, false],
          [false, true],
        ]),
        new Map(),
        new Map([[false, null]]),
      ],
      mapType(new arrow.Bool(), new arrow.Bool()),
    );
    assert.deepEqual(values(byFlag), ['[[true,false],[false,true]]', '[]', '[[false,null]]']);
  });

  it('maps with other keys become [key, value] pairs', () => {
    const byList = arrow.vectorFromArray(
      [
        new Map([
          [[1, 2], 'a'],
          [[], 'b'],
        ]),
        new Map(),
      ],
      mapType(new arrow.List(item(new arrow.Int32())), new arrow.Utf8()),
    );
    assert.deepEqual(values(byList), ['[[[1,2],"a"],[[],"b"]]', '[]']);
  });

  it('dictionaries are decoded, at the top level and inside lists', () => {
    const dictionary = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    assert.deepEqual(values(arrow.vectorFromArray(['BK', null, 'Q"ns', 'BK'], dictionary)), [
      '"BK"',
      'null',
      '"Q\\"ns"',
      '"BK"',
    ]);
    const small = new arrow.Dictionary(new arrow.Float64(), new arrow.Int8());
    assert.deepEqual(values(arrow.vectorFromArray([1.5, 2, 1.5], small)), ['1.5', '2', '1.5']);
    const listed = new arrow.List(new arrow.Field('item', dictionary, true));
    assert.deepEqual(values(arrow.vectorFromArray([['x', 'y'], ['x']], listed)), [
      '["x","y"]',
      '["x"]',
    ]);
  });
});

describe('the codec as a whole', () => {
  it('thousands of rows across row windows match a reference encoding', () => {
    const count = 40000;
    const names = ['Zoë', 'BK', 'Queens Blvd', 'a"b', ''];
    const table = tableOf({
      id: fixedWidth(
        new arrow.Int64(),
        BigInt64Array.from({ length: count }, (_, i) => BigInt(i) * 1000003n),
      ),
      name: arrow.vectorFromArray(
        Array.from({ length: count }, (_, i) => (i % 7 === 0 ? null : names[i % names.length])),
        new arrow.Utf8(),
      ),
      temperature: arrow.vectorFromArray(
        Array.from({ length: count }, (_, i) => (i % 33 === 0 ? null : (i % 1000) / 10)),
        new arrow.Float64(),
      ),
      paid: arrow.vectorFromArray(
        Array.from({ length: count }, (_, i) => (i % 11 === 0 ? null : i % 3 === 0)),
        new arrow.Bool(),
      ),
    });
    const rows = new RowCodec(table.schema).encodeRows(table);
    assert.equal(rows.length, count);
    rows.forEach((row, i) => {
      const expected = {
        id: i * 1000003,
        name: i % 7 === 0 ? null : names[i % names.length],
        temperature: i % 33 === 0 ? null : (i % 1000) / 10,
        paid: i % 11 === 0 ? null : i % 3 === 0,
      };
      if (row !== JSON.stringify(expected)) assert.equal(row, JSON.stringify(expected), `row ${i}`);
    });
  });

  it('column names are escaped, and a table without columns gives empty objects', () => {
    assert.deepEqual(
      encode(tableOf({ 'W - "Temp"\n': arrow.vectorFromArray([1], new arrow.Int32()) })),
      ['{"W - \\"Temp\\"\\n":1}'],
    );
    const empty = new arrow.Table(new arrow.Schema([]), [
      new arrow.RecordBatch(
        new arrow.Schema([]),
        arrow.makeData({ type: new arrow.Struct([]), length: 2, children: [] }),
      ),
    ]);
    assert.deepEqual(new RowCodec(empty.schema).encodeRows(empty), ['{}', '{}']);
  });

  it('keyTexts: strings without quotes, numbers as digits, booleans as true/false, null as null', () => {
    const table = tableOf({
      plate: arrow.vectorFromArray(['GBB9093', 'a"b', null], new arrow.Utf8()),
      id: fixedWidth(new arrow.Int64(), BigInt64Array.from([7n, 2n ** 60n, -3n])),
      when: fixedWidth(new arrow.TimestampMillisecond(), BigInt64Array.from([0n, 1000n, 2000n])),
      paid: arrow.vectorFromArray([true, false, null], new arrow.Bool()),
    });
    const codec = new RowCodec(table.schema);
    assert.deepEqual(codec.keyTexts(table, 'plate'), ['GBB9093', 'a"b', null]);
    assert.deepEqual(codec.keyTexts(table, 'paid'), ['true', 'false', null]);
    assert.deepEqual(codec.keyTexts(table, 'id'), ['7', '1152921504606846976', '-3']);
    assert.deepEqual(codec.keyTexts(table.slice(1), 'when'), [
      '1970-01-01T00:00:01.000Z',
      '1970-01-01T00:00:02.000Z',
    ]);
    assert.deepEqual(
      new RowCodec(table.schema, { timestamps: 'epoch-ms' }).keyTexts(table, 'when'),
      ['0', '1000', '2000'],
    );
    assert.throws(
      () => codec.keyTexts(table, 'nope'),
      new InputError('key column "nope" does not exist; the columns are: plate, id, when, paid'),
    );
  });

  it('toObjects: what JSON.parse of the rows gives, up to a limit', () => {
    const table = tableOf({
      id: fixedWidth(new arrow.Int64(), BigInt64Array.from([1n, 2n ** 60n, 3n])),
      paid: arrow.vectorFromArray([true, null, false], new arrow.Bool()),
    });
    const codec = new RowCodec(table.schema);
    assert.deepEqual(codec.toObjects(table, 2), [
      { id: 1, paid: true },
      { id: '1152921504606846976', paid: null },
    ]);
    assert.deepEqual(
      codec.toObjects(table),
      codec.encodeRows(table).map((row) => JSON.parse(row)),
    );
  });

  it('types without a JSON form are refused by name', () => {
    const schema = new arrow.Schema([new arrow.Field('span', new arrow.IntervalDayTime(), true)]);
    assert.throws(
      () => new RowCodec(schema),
      (error: unknown) =>
        error instanceof InputError && /column "span" has type Interval/.test(error.message),
    );
  });
});
