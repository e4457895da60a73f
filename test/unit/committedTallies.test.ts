// The group's committed counts: the latest record per key of a counters partition wins, totals
// add up field by field and step by step, and a run's steps are the difference of two readings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addCounts,
  countersTopicName,
  latestCounts,
  stepsBetween,
  zeroCounts,
  type CommittedCounts,
} from '../../main/worker/committedTallies';

const step = (inRows: number, out: number, dropped: number) => ({
  step: 1,
  type: 'map',
  in: inRows,
  out,
  dropped,
  errors: 0,
  late: 0,
});

const counts = (rowsIn: number, rowsOut: number, transactions: number): CommittedCounts => ({
  rowsIn,
  rowsOut,
  rowsDropped: rowsIn - rowsOut,
  transactions,
  steps: [step(rowsIn, rowsOut, rowsIn - rowsOut)],
});

test('the latest record of each key counts; a tombstone forgets it; garbage is skipped', () => {
  const latest = latestCounts([
    ['in', JSON.stringify(counts(10, 7, 1))],
    ['repartition', JSON.stringify(counts(0, 3, 1))],
    ['in', JSON.stringify(counts(25, 20, 2))],
    ['repartition', null],
    ['other', '{not json'],
  ]);
  assert.deepEqual([...latest.keys()], ['in']);
  assert.deepEqual(latest.get('in'), counts(25, 20, 2));
});

test('counts add up field by field and step by step, the operands untouched', () => {
  const a = counts(10, 7, 1);
  const b = counts(5, 5, 2);
  assert.deepEqual(addCounts(a, b), {
    rowsIn: 15,
    rowsOut: 12,
    rowsDropped: 3,
    transactions: 3,
    steps: [step(15, 12, 3)],
  });
  assert.deepEqual(a, counts(10, 7, 1));
  assert.deepEqual(addCounts(zeroCounts(), b), b, 'an empty total takes the steps it is given');
});

test('the steps of a run are the difference of the totals before and after it', () => {
  assert.deepEqual(stepsBetween(counts(10, 7, 1), counts(30, 20, 4), [step(0, 0, 0)]), [
    step(20, 13, 7),
  ]);
});

test('the counters topic is named after the group, in Kafka topic characters', () => {
  assert.equal(countersTopicName('parquet-streamer.in.out'), 'parquet-streamer.in.out-counters');
  assert.equal(countersTopicName('a b/c'), 'a_b_c-counters');
});
