// The one runtime entry to kafkajs: import its values from here, never from 'kafkajs' (types
// are fine). Before kafkajs loads, this replaces two of its internals that dominated the
// producer's delivery threads (kafkajs 2.2.4 is no longer released, so they stay as they are):
// - the per-partition grouping of a send's messages copies the partition's whole list for every
//   message (`[...current, message]`): quadratic in a send's size. The replacement makes the
//   same groups in the same order in linear time;
// - its protocol Encoder zero-fills a fresh 512-byte buffer for every record and every header
//   (Buffer.alloc). Every byte it hands out is written first, so the replacement allocates
//   from Node's buffer pool without zeroing (Buffer.allocUnsafe); the bytes are identical.
import Module, { createRequire } from 'node:module';

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

type EncoderClass = (new (initialSize?: number) => EncoderInstance) & {
  nextPowerOfTwo(value: number): number;
};
interface EncoderInstance {
  buf: Buffer;
  offset: number;
}

function installUnzeroedEncoder(): void {
  const encoderFile = require.resolve('kafkajs/src/protocol/encoder');
  const loaded = require.cache[encoderFile];
  if (loaded && (loaded.exports as { unzeroed?: boolean }).unzeroed) return;
  const Encoder = loadModule(encoderFile) as EncoderClass;
  class UnzeroedEncoder extends Encoder {
    static readonly unzeroed = true;
    constructor(initialSize = 511) {
      super(0);
      this.buf = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(initialSize));
    }
    ensureAvailable(length: number): void {
      if (this.offset + length <= this.buf.length) return;
      const grown = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(this.offset + length));
      this.buf.copy(grown, 0, 0, this.offset);
      this.buf = grown;
    }
  }
  (require.cache[encoderFile] as NodeJS.Module).exports = UnzeroedEncoder;
}

installLinearGrouping();
installUnzeroedEncoder();

export { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
