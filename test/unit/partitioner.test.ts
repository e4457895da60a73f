// Partitioners: murmur2 matches the Java client bit for bit, modulo matches Python's
// int(key) % n, round-robin cycles.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPartitioner, PARTITIONER_NAMES } from '../../main/producer/partitioners';
import { murmur2, toPositive } from '../../main/producer/murmur2';
import { InputError } from '../../main/shared/errors';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('murmur2', () => {
  it("matches Kafka's UtilsTest.testMurmur2 vectors", () => {
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of vectors) assert.equal(murmur2(bytes(key)), hash, key);
  });

  it('matches org.apache.kafka.common.utils.Utils.murmur2 from kafka-clients 4.1.1', () => {
    // computed with the Java client: Utils.murmur2(key.getBytes("UTF-8"))
    const fromJava: [string, number][] = [
      ['0', 971027396],
      ['1', -1993445489],
      ['42', 417700972],
      ['1000', 15042646],
      ['123456789', -1822237082],
      ['Manhattan', -438892198],
      ['BK', -1444166047],
      ['Köln', -1565466730],
      ['日本', -700811021],
      ['', 275646681],
      ['8447386960', 12576873],
    ];
    for (const [key, hash] of fromJava) assert.equal(murmur2(bytes(key)), hash, key);
  });

  it('toPositive clears the sign bit like Java (not Math.abs)', () => {
    assert.equal(toPositive(-1), 0x7fffffff);
    assert.equal(toPositive(-2147483648), 0);
    assert.equal(toPositive(5), 5);
  });
});

describe('default partitioner', () => {
  it('puts keys on the partitions the Java client picks', () => {
    // Utils.toPositive(Utils.murmur2(key)) % n, computed in Java for n = 4 and n = 12
    const expected: [string, number, number][] = [
      ['0', 0, 8],
      ['1', 3, 3],
      ['7', 3, 3],
      ['42', 0, 4],
      ['1000', 2, 10],
      ['Manhattan', 2, 10],
      ['BK', 1, 1],
      ['Köln', 2, 10],
      ['日本', 3, 3],
    ];
    const four = createPartitioner('default', 4);
    const twelve = createPartitioner('default', 12);
    for (const [key, p4, p12] of expected) {
      assert.equal(four(key, 0), p4, `${key} on 4`);
      assert.equal(twelve(key, 0), p12, `${key} on 12`);
    }
  });

  it('spreads rows without a key round-robin', () => {
    const partition = createPartitioner('default', 3);
    assert.deepEqual(
      [0, 1, 2, 3].map((row) => partition(null, row)),
      [0, 1, 2, 0],
    );
  });
});

describe('modulo partitioner', () => {
  it("is Python's int(key) % partitions, negative keys included", () => {
    const partition = createPartitioner('modulo', 4);
    assert.equal(partition('0', 0), 0);
    assert.equal(partition('7', 1), 3);
    assert.equal(partition(' 13 ', 2), 1);
    assert.equal(partition('-1', 3), 3); // Python: -1 % 4 == 3
    assert.equal(partition('+6', 4), 2);
    // beyond 2^53, by hand: …01 is 1 mod 4, and Python's -…01 % 4 is 3
    assert.equal(partition('123456789012345678901', 5), 1);
    assert.equal(partition(' -123456789012345678901 ', 6), 3);
  });

  it('rejects a non-integer key with a one-line error naming the row and key', () => {
    const partition = createPartitioner('modulo', 4);
    assert.throws(
      () => partition('Manhattan', 17),
      (error: unknown) =>
        error instanceof InputError &&
        /row 17/.test(error.message) &&
        /"Manhattan"/.test(error.message) &&
        !error.message.includes('\n'),
    );
    assert.throws(() => partition('1.5', 3), {
      message:
        '--partitioner modulo needs whole-number keys, but row 3 has key "1.5" — ' +
        'choose an integer --key column or --partitioner default',
    });
    assert.throws(() => partition(null, 4), /row 4 has key null/);
  });
});

describe('round-robin partitioner', () => {
  it('cycles through the partitions whatever the key', () => {
    const partition = createPartitioner('round-robin', 3);
    assert.deepEqual(
      ['a', 'a', 'a', 'a', 'a'].map((key, row) => partition(key, row)),
      [0, 1, 2, 0, 1],
    );
  });
});

it('rejects a partition count below 1, and serves a one-partition topic', () => {
  assert.throws(() => createPartitioner('default', 0), {
    name: 'InputError',
    message: 'a topic needs at least 1 partition (got 0)',
  });
  assert.throws(() => createPartitioner('modulo', 2.5), InputError);
  assert.deepEqual(PARTITIONER_NAMES, ['default', 'modulo', 'round-robin']);
  for (const name of PARTITIONER_NAMES) {
    const partition = createPartitioner(name, 1);
    assert.deepEqual(
      ['7', '-3', '98765432109876543210'].map((key, row) => partition(key, row)),
      [0, 0, 0],
      name,
    );
  }
});
