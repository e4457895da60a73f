// A delivery thread: one idempotent kafkajs producer (acks from all in-sync replicas) for the
// partitions the main thread gives it. Requests are sent one after another, in arrival order:
// kafkajs hands a failed request's sequence numbers to the next queued one, so overlapping
// idempotent sends could lose rows, and in-order sends keep every partition in row order.
// Several threads encode Kafka records in parallel; each owns its partitions exclusively.
import { parentPort } from 'node:worker_threads';
import type { Message, Producer, RecordMetadata } from 'kafkajs';
import { useClusterSecurity } from '../broker/clusterSecurity';
import { createKafka } from '../broker/kafkaClient';
import { filterKafkaLog, KAFKA_RETRIABLE_RULES, type KafkaLogRule } from '../shared/kafkaLogFilter';
import { createLogger } from '../shared/logger';
import { SOURCE_FILE_HEADER, SOURCE_ROW_HEADER } from '../shared/sourceHeaders';
import { innermost } from './deliveryErrors';
import {
  Layout,
  LAYOUT_FIELDS,
  type BatchBuffers,
  type DeliveryBatch,
  type DeliveryConfig,
  type FromDeliveryThread,
  type SerializedError,
  type ToDeliveryThread,
} from './deliveryProtocol';

const port = parentPort;
if (!port) throw new Error('deliveryThread.js must run in a worker thread');
const reply = (message: FromDeliveryThread) => port.postMessage(message);
/** Answers a send, handing its buffers back: kafkajs copied the messages into its requests. */
const answer = (message: FromDeliveryThread & { buffers: BatchBuffers }) =>
  port.postMessage(message, [
    message.buffers.bytes,
    message.buffers.layout.buffer as ArrayBuffer,
    message.buffers.rows.buffer as ArrayBuffer,
  ]);

/**
 * Reconnection attempts within one send: 200 ms doubling to 5 s apart (createKafka), about two
 * minutes in all — the same bound as the producer's own retries below.
 */
const RECONNECT_RETRIES = 28;

let producer: Producer | null = null;
let config: DeliveryConfig | null = null;
let queue: Promise<void> = Promise.resolve();
/** the first failed send: later batches are not sent */
let earlierFailure: SerializedError | null = null;

/**
 * kafkajs warns that bounded retries may break exactly-once; a failed run here is recovered
 * with --resume, which skips what was delivered, so the warning would only mislead. Conditions
 * kafkajs retries by itself are one info line.
 */
const PRODUCER_LOG_RULES: readonly KafkaLogRule[] = [
  { pattern: /Limiting retries for the idempotent producer/, level: 'debug' },
  ...KAFKA_RETRIABLE_RULES,
];

port.on('message', (message: ToDeliveryThread) => {
  queue = queue.then(() => handle(message));
});

async function handle(message: ToDeliveryThread): Promise<void> {
  switch (message.kind) {
    case 'connect':
      config = message.config;
      useClusterSecurity(config.security);
      producer = createKafka({
        brokers: config.brokers,
        clientId: 'parquet-streamer-producer',
        logger: filterKafkaLog(createLogger('producer.kafka'), PRODUCER_LOG_RULES),
        // a send reconnects with the client's retries, and gives the batch up when they run
        // out: they must outlast a broker restart, not the default ~25 s
        retries: RECONNECT_RETRIES,
      }).producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // bounded, so a broker that never comes back ends the run (about two minutes)
        retry: { retries: 40, initialRetryTime: 200, maxRetryTime: 3_000 },
      });
      try {
        await producer.connect();
        reply({ kind: 'connected' });
      } catch (error) {
        reply({ kind: 'connect-failed', error: serialize(error) });
      }
      return;
    case 'send':
      await send(message.batch);
      return;
    case 'close':
      await producer?.disconnect().catch(() => undefined);
      reply({ kind: 'closed' });
      port?.close();
      return;
  }
}

async function send(batch: DeliveryBatch): Promise<void> {
  const buffers: BatchBuffers = {
    bytes: batch.bytes.buffer as ArrayBuffer,
    layout: batch.layout,
    rows: batch.rows,
  };
  if (!producer || !config) {
    const error = { name: 'Error', message: 'not connected' };
    answer({ kind: 'failed', id: batch.id, error, buffers });
    return;
  }
  if (earlierFailure) {
    // a failed batch's sequence numbers would go to this one: the run ends with the first
    // failure, and --resume sends both
    answer({ kind: 'failed', id: batch.id, error: earlierFailure, buffers });
    return;
  }
  try {
    const metadata: RecordMetadata[] = await withDeadline(
      producer.send({
        topic: config.topic,
        messages: unpack(batch),
        acks: -1,
        timeout: config.requestTimeoutMs,
      }),
      config.sendDeadlineMs,
    );
    const counts = new Map<number, number>();
    for (let i = 0; i < batch.count; i++) {
      const partition = batch.layout[i * LAYOUT_FIELDS + Layout.Partition];
      counts.set(partition, (counts.get(partition) ?? 0) + 1);
    }
    answer({
      kind: 'acked',
      id: batch.id,
      offsets: metadata.map((entry) => ({
        partition: entry.partition,
        baseOffset: entry.baseOffset ?? '-1',
        count: counts.get(entry.partition) ?? 0,
      })),
      buffers,
    });
  } catch (error) {
    earlierFailure = serialize(error);
    answer({ kind: 'failed', id: batch.id, error: earlierFailure, buffers });
  }
}

/**
 * The send, or a failure once `ms` have passed without its answer: kafkajs' retries are
 * bounded, but a wait inside kafkajs that is not must still end the run rather than hang it.
 */
function withDeadline<T>(sending: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          Object.assign(new Error(`no acknowledgement within ${Math.round(ms / 1000)} s`), {
            name: 'KafkaJSRequestTimeoutError',
            retriable: false,
          }),
        ),
      ms,
    );
  });
  return Promise.race([sending, expired]).finally(() => clearTimeout(timer));
}

/** kafkajs messages whose keys and values are views of the transferred buffer. */
function unpack(batch: DeliveryBatch): Message[] {
  const { bytes, layout, rows, files } = batch;
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messages = new Array<Message>(batch.count);
  for (let i = 0; i < batch.count; i++) {
    const at = i * LAYOUT_FIELDS;
    const keyStart = layout[at + Layout.KeyStart];
    const keyLength = layout[at + Layout.KeyLength];
    const valueStart = layout[at + Layout.ValueStart];
    messages[i] = {
      partition: layout[at + Layout.Partition],
      key: keyLength < 0 ? null : data.subarray(keyStart, keyStart + keyLength),
      value: data.subarray(valueStart, valueStart + layout[at + Layout.ValueLength]),
      headers: {
        [SOURCE_FILE_HEADER]: files[layout[at + Layout.FileIndex]],
        [SOURCE_ROW_HEADER]: String(rows[i]),
      },
    };
  }
  return messages;
}

/** The innermost cause of a kafkajs failure, as plain data. */
function serialize(error: unknown): SerializedError {
  const inner = innermost(error);
  const outer = error as { name?: string; message?: string } | null;
  return {
    name: inner.name ?? outer?.name ?? 'Error',
    message: inner.message ?? outer?.message ?? String(error),
    type: inner.type,
    retriable: inner.retriable,
  };
}
