// The one runtime entry to kafkajs: import its values from here, never from 'kafkajs' (types
// are fine). Before kafkajs loads, this replaces its send's retries (partitionedSend.ts: a
// partition whose leader moved to a broker that had already answered was never sent again)
// and two internals that dominated the producer's delivery threads (kafkajs 2.2.4 is no
// longer released, so they stay as they are):
// - the per-partition grouping of a send's messages copies the partition's whole list for every
//   message (`[...current, message]`): quadratic in a send's size. The replacement makes the
//   same groups in the same order in linear time;
// - its Produce request builder encodes every record, header and varint into a fresh, zero-filled
//   buffer of its own, and the request's frame copies the whole body twice more, growing its
//   buffer by doubling; main/broker/produceRequest.ts writes uncompressed requests, frame
//   included, in one pass into one buffer instead (about 2.5× the producer's rows/s);
// - its Fetch response decoder, record by record through Long arithmetic on decimal text:
//   main/broker/fetchDecode.ts reads uncompressed record batches in one pass instead;
// - its default partitioner's murmur2, which hashes every keyed message with 64-bit Long
//   objects: main/producer/murmur2.ts gives the same hash (Java's) in 32-bit integer arithmetic;
// - its read_committed filter, which handed on records of an aborted transaction when the broker
//   listed another one first: main/broker/abortedMessages.ts follows the Java consumer;
// - its coordinator lookup, a FindCoordinator request before every request to a coordinator:
//   main/broker/coordinatorCache.ts keeps the answer until a request to that broker fails.
import Module, { createRequire } from 'node:module';
import { murmur2 } from '../producer/murmur2';
import { filterAbortedMessages } from './abortedMessages';
import { rememberCoordinators } from './coordinatorCache';
import { decodeMessages } from './fetchDecode';
import { createPartitionedSend } from './partitionedSend';
import { produceRequest, type ProduceRequestArgs, type RequestHeader } from './produceRequest';

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

/** A replacement must be in place before the kafkajs module that requires it loads. */
function refuseIfLoaded(dependent: string): void {
  if (require.cache[require.resolve(dependent)]) {
    throw new Error('kafkajs was loaded before main/broker/kafkajs.ts: import kafkajs from there');
  }
}

/**
 * Puts `exports` in place of the kafkajs module `name` (a path under kafkajs/src), before any
 * of the modules that require it (`dependents`) has loaded; a second call changes nothing.
 */
function replaceModule(name: string, exports: unknown, dependents: string[]): void {
  const file = require.resolve(`kafkajs/src/${name}`);
  if (require.cache[file]?.exports === exports) return;
  for (const dependent of dependents) refuseIfLoaded(`kafkajs/src/${dependent}`);
  const module = new Module(file);
  module.filename = file;
  module.loaded = true;
  module.exports = exports;
  require.cache[file] = module;
}

/** kafkajs' murmur2 of a key (a Buffer, or anything else as its text) in integer arithmetic. */
export function kafkajsMurmur2(key: unknown): number {
  return murmur2(Buffer.isBuffer(key) ? key : Buffer.from(String(key)));
}

/** kafkajs' protocol Encoder: a buffer and how much of it is written. */
type EncoderClass = new (initialSize?: number) => { buf: Buffer; offset: number };

type FramedRequest = { encodeFramed?: (header: RequestHeader) => Buffer };

function installOnePassProduceRequest(): void {
  const requestFile = require.resolve('kafkajs/src/protocol/requests/produce/v3/request');
  const kafkajsRequest = loadModule(requestFile) as ((args: ProduceRequestArgs) => unknown) & {
    onePass?: boolean;
  };
  if (kafkajsRequest.onePass) return;
  const onePassRequest = (args: ProduceRequestArgs): unknown =>
    args.compression ? kafkajsRequest(args) : produceRequest(args);
  onePassRequest.onePass = true;
  (require.cache[requestFile] as NodeJS.Module).exports = onePassRequest;
}

/** kafkajs frames a request's body itself unless the request can write its own frame. */
function installSelfFramedRequests(): void {
  const frameFile = require.resolve('kafkajs/src/protocol/request');
  type Frame = (args: {
    correlationId: number;
    clientId: string | null;
    request: RequestHeader & FramedRequest;
  }) => Promise<unknown>;
  const kafkajsFrame = loadModule(frameFile) as Frame & { selfFraming?: boolean };
  if (kafkajsFrame.selfFraming) return;
  refuseIfLoaded('kafkajs/src/network/connection');
  const Encoder = loadModule('kafkajs/src/protocol/encoder') as EncoderClass;
  const frame: Frame = async (args) => {
    const { request, correlationId, clientId } = args;
    if (!request.encodeFramed) return kafkajsFrame(args);
    const { apiKey, apiVersion } = request;
    const encoder = new Encoder(0);
    encoder.buf = request.encodeFramed({ apiKey, apiVersion, correlationId, clientId });
    encoder.offset = encoder.buf.length;
    return encoder;
  };
  (require.cache[frameFile] as NodeJS.Module).exports = Object.assign(frame, {
    selfFraming: true,
  });
}

/** Every kafkajs client's cluster keeps the coordinators it found (coordinatorCache.ts). */
function installCoordinatorCache(): void {
  type FindCoordinator = Parameters<typeof rememberCoordinators<object>>[0];
  const Cluster = loadModule('kafkajs/src/cluster') as {
    prototype: { findGroupCoordinator: FindCoordinator & { remembering?: boolean } };
  };
  if (Cluster.prototype.findGroupCoordinator.remembering) return;
  Cluster.prototype.findGroupCoordinator = Object.assign(
    rememberCoordinators(Cluster.prototype.findGroupCoordinator),
    { remembering: true },
  );
}

replaceModule('producer/groupMessagesPerPartition', groupMessagesPerPartition, [
  'producer/sendMessages',
]);
// retries per partition, not per broker: see partitionedSend.ts
replaceModule('producer/sendMessages', createPartitionedSend, ['producer/messageProducer']);
installOnePassProduceRequest();
installSelfFramedRequests();
// Fetch responses (v4 to v11) decode their records with fetchDecode.ts
replaceModule(
  'protocol/requests/fetch/v4/decodeMessages',
  decodeMessages,
  [4, 5, 7, 8, 11].map((version) => `protocol/requests/fetch/v${version}/response`),
);
replaceModule('producer/partitioners/default/murmur2', kafkajsMurmur2, [
  'producer/partitioners/default',
]);
// read_committed filtering by first offset (abortedMessages.ts)
replaceModule('consumer/filterAbortedMessages', filterAbortedMessages, ['consumer/batch']);
installCoordinatorCache();

export {
  ConfigResourceTypes,
  Kafka,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  logLevel,
} from 'kafkajs';
