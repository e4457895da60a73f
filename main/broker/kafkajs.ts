// The one runtime entry to kafkajs: import its values from here, never from 'kafkajs' (types
// are fine). Before kafkajs loads, this replaces two of its internals that dominated the
// producer's delivery threads (kafkajs 2.2.4 is no longer released, so they stay as they are):
// - the per-partition grouping of a send's messages copies the partition's whole list for every
//   message (`[...current, message]`): quadratic in a send's size. The replacement makes the
//   same groups in the same order in linear time;
// - its Produce request builder encodes every record, header and varint into a fresh, zero-filled
//   buffer of its own; main/broker/produceRequest.ts writes uncompressed requests in one pass
//   into one buffer instead (about 2.5× the producer's rows/s).
import Module, { createRequire } from 'node:module';
import { produceRequest, type ProduceRequestArgs } from './produceRequest';

const loadModule = createRequire(__filename);

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

/** kafkajs' protocol Encoder: a buffer and how much of it is written. */
type EncoderClass = new (initialSize?: number) => { buf: Buffer; offset: number };

type KafkajsRequest = ReturnType<typeof produceRequest>;

function installOnePassProduceRequest(): void {
  const requestFile = require.resolve('kafkajs/src/protocol/requests/produce/v3/request');
  const kafkajsRequest = loadModule(requestFile) as ((args: ProduceRequestArgs) => unknown) & {
    onePass?: boolean;
  };
  if (kafkajsRequest.onePass) return;
  const Encoder = loadModule('kafkajs/src/protocol/encoder') as EncoderClass;
  const onePassRequest = (args: ProduceRequestArgs): unknown => {
    if (args.compression) return kafkajsRequest(args);
    const request: KafkajsRequest = produceRequest(args);
    return {
      ...request,
      // kafkajs frames the body from an Encoder holding it
      encode: async () => {
        const encoder = new Encoder(0);
        encoder.buf = await request.encode();
        encoder.offset = encoder.buf.length;
        return encoder;
      },
    };
  };
  onePassRequest.onePass = true;
  (require.cache[requestFile] as NodeJS.Module).exports = onePassRequest;
}

installLinearGrouping();
installOnePassProduceRequest();

export { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
