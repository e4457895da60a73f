// Reads what a topic holds in committed transactions (read_committed), from given offsets up to
// the end offsets it has when the read starts: how `run` checks a pipeline's output and how tests
// count `source.row`s. Transaction markers take offsets too, so "done" is when the consumer's
// position (not the last message seen) reaches each partition's end.
import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { EnvironmentError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';
import { createKafka } from './kafkaClient';
import { withAdmin } from './topicAdmin';

export interface CommittedReadOptions {
  /** partition → first offset to read (default: each partition's earliest offset) */
  from?: Map<number, string>;
  /** give up when the position has not moved for this long (default 60 s) */
  stallTimeoutMs?: number;
  logger?: Logger;
}

/** Calls `onMessage` for every committed message of `topic` between `from` and its current end. */
export async function readCommitted(
  brokers: string[],
  topic: string,
  onMessage: (partition: number, message: KafkaMessage) => void,
  options: CommittedReadOptions = {},
): Promise<void> {
  const groupId = `parquet-streamer-reader-${randomUUID()}`;
  const positions = new Map<number, bigint>();
  const ends = await withAdmin(brokers, async (admin) => {
    const offsets = await admin.fetchTopicOffsets(topic);
    const starts = offsets.map(({ partition, low }) => ({
      partition,
      offset: options.from?.get(partition) ?? low,
    }));
    await admin.setOffsets({ groupId, topic, partitions: starts });
    for (const { partition, offset } of starts) positions.set(partition, BigInt(offset));
    return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
  });
  const unfinished = () => [...ends].filter(([p, end]) => (positions.get(p) ?? 0n) < end);
  if (unfinished().length === 0) return deleteGroup(brokers, groupId);

  const logger = options.logger ?? createLogger('reader');
  const kafka = createKafka({ brokers, clientId: 'parquet-streamer-reader', logger });
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxBytes: 16 << 20 });
  const stallTimeoutMs = options.stallTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const armStallTimer = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          const behind = unfinished().map(([p, end]) => `${p}: ${positions.get(p)}/${end}`);
          reject(
            new EnvironmentError(
              `reading ${topic} stalled (partition: position/end ${behind.join(', ')}) — an open transaction or an unreachable broker`,
            ),
          );
        }, stallTimeoutMs);
      };
      armStallTimer();
      // END_BATCH_PROCESS also reports batches that held only transaction markers
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        positions.set(payload.partition, BigInt(payload.lastOffset) + 1n);
        armStallTimer();
        if (unfinished().length === 0) resolve();
      });
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            const end = ends.get(batch.partition) ?? 0n;
            for (const message of batch.messages)
              if (BigInt(message.offset) < end) onMessage(batch.partition, message);
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await deleteGroup(brokers, groupId);
  }
}

async function deleteGroup(brokers: string[], groupId: string): Promise<void> {
  await withAdmin(brokers, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
}
