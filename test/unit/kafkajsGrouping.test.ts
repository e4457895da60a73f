// What main/broker/kafkajs.ts puts in place of kafkajs' per-partition grouping: the same
// groups in linear time, and kafkajs actually loads it (the Produce request writer has its own
// test, produceRequest.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
