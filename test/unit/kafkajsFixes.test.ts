// What main/broker/kafkajs.ts puts in place of kafkajs internals: the linear per-partition
// grouping and the unzeroed encoder give the same results, and kafkajs actually loads them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import * as vm from 'node:vm';
import { groupMessagesPerPartition } from '../../main/broker/kafkajs';

const loadModule = createRequire(__filename);
const GROUPING_FILE = require.resolve('kafkajs/src/producer/groupMessagesPerPartition');

/** kafkajs' own implementation, evaluated from its source file. */
function kafkajsOriginal(): typeof groupMessagesPerPartition {
  const module = { exports: {} as typeof groupMessagesPerPartition };
  vm.runInThisContext(`(function (module) {${readFileSync(GROUPING_FILE, 'utf8')}\n})`)(module);
  return module.exports;
}

test('groups like kafkajs does: same partitions, same order', () => {
  const messages = Array.from({ length: 1000 }, (_, i) => ({
    value: String(i),
    partition: (i * 7) % 5,
  }));
  const args = {
    topic: 't',
    partitionMetadata: [{}, {}, {}, {}, {}],
    messages,
    partitioner: ({ message }: { message: { partition: number } }) => message.partition,
  };
  assert.deepEqual(groupMessagesPerPartition(args), kafkajsOriginal()(args));
  assert.deepEqual(groupMessagesPerPartition({ ...args, partitionMetadata: [] }), {});
});

test('kafkajs loads the linear grouping', () => {
  assert.equal(loadModule(GROUPING_FILE), groupMessagesPerPartition);
});

// A record batch with keys, values and headers of several sizes, some past 512 bytes.
const BATCH_SCRIPT = `
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
const records = Array.from({ length: 50 }, (_, i) =>
  Record({ offsetDelta: i, key: 'k' + i, value: 'v'.repeat(i * 23), headers: { 'source.row': String(i), 'source.file': 'f'.repeat(i) } }));
RecordBatch({ firstTimestamp: 1, maxTimestamp: 2, records }).then((batch) => process.stdout.write(batch.buffer.toString('hex')));
`;

test('kafkajs encodes the same bytes with the unzeroed encoder', async () => {
  const { execFileSync } = await import('node:child_process');
  // run from the repository, where `kafkajs` resolves
  const cwd = path.resolve(__dirname, '..', '..', '..');
  const original = execFileSync(process.execPath, ['-e', BATCH_SCRIPT], { encoding: 'utf8', cwd });
  const patched = execFileSync(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(require.resolve('../../main/broker/kafkajs'))});${BATCH_SCRIPT}`,
    ],
    { encoding: 'utf8', cwd },
  );
  assert.ok(original.length > 20_000);
  assert.equal(patched, original);
  const encoder = loadModule('kafkajs/src/protocol/encoder') as { unzeroed?: boolean };
  assert.equal(encoder.unzeroed, true, 'kafkajs loads the unzeroed encoder');
});
