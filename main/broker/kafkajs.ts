// The one runtime entry to kafkajs: import its values from here, never from 'kafkajs' (types
// are fine). Before kafkajs loads, this replaces its per-partition grouping of a send's
// messages, which in kafkajs 2.2.4 copies the partition's whole list for every message
// (`[...current, message]`): quadratic in a send's size. With the producer's 4,000-message
// sends it was the delivery threads' busiest function and much of their garbage. The
// replacement groups the same messages into the same partitions, in order, in linear time.
import Module from 'node:module';

interface GroupingArgs<M> {
  topic: string;
  partitionMetadata: unknown[];
  messages: M[];
  partitioner: (args: { topic: string; partitionMetadata: unknown[]; message: M }) => number;
}

export function groupMessagesPerPartition<M>(args: GroupingArgs<M>): Record<number, M[]> {
  const { topic, partitionMetadata, messages, partitioner } = args;
  const groups: Record<number, M[]> = {};
  if (partitionMetadata.length === 0) return groups;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (groups[partition] ??= []).push(message);
  }
  return groups;
}

function installLinearGrouping(): void {
  const groupingFile = require.resolve('kafkajs/src/producer/groupMessagesPerPartition');
  if (require.cache[groupingFile]?.exports === groupMessagesPerPartition) return;
  if (require.cache[require.resolve('kafkajs/src/producer/sendMessages')]) {
    throw new Error('kafkajs was loaded before main/broker/kafkajs.ts: import kafkajs from there');
  }
  const module = new Module(groupingFile);
  module.filename = groupingFile;
  module.loaded = true;
  module.exports = groupMessagesPerPartition;
  require.cache[groupingFile] = module;
}

installLinearGrouping();

export { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
