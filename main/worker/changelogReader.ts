// Reads partitions of a compacted topic (a window changelog, the group's committed counters) from
// their first offset to their end, read_committed: the entries a partition's next owner rebuilds
// its state from. kafkajs consumers always belong to a group, so the read uses a throwaway group
// that commits nothing and pauses every partition it was not asked for.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';

export type ChangelogEntry = [key: string, value: string | null];

/** The entries of one partition, in offset order. */
export async function readChangelogPartition(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  partition: number,
  timeoutMs = 60_000,
): Promise<ChangelogEntry[]> {
  const read = await readCommittedPartitions(kafka, admin, topic, [partition], timeoutMs);
  return read.get(partition) ?? [];
}

/** The entries of each partition asked for (all when `partitions` is omitted), in offset order. */
export async function readCommittedPartitions(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  partitions?: readonly number[],
  timeoutMs = 60_000,
): Promise<Map<number, ChangelogEntry[]>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const entries = new Map<number, ChangelogEntry[]>();
  const ends = new Map<number, bigint>();
  for (const bounds of offsets) {
    if (partitions && !partitions.includes(bounds.partition)) continue;
    entries.set(bounds.partition, []);
    if (BigInt(bounds.high) > BigInt(bounds.low)) ends.set(bounds.partition, BigInt(bounds.high));
  }
  if (ends.size === 0) return entries;
  const pending = new Set(ends.keys());
  const consumer = kafka.consumer({
    groupId: `${topic}-restore-${randomUUID()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 200,
    allowAutoTopicCreation: false,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${topic} partitions ${[...pending]} did not reach their end`)),
        timeoutMs,
      );
      // a batch of only aborted records or markers reaches no eachBatch, but ends here
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const end = ends.get(payload.partition);
        if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) {
          pending.delete(payload.partition);
          if (pending.size === 0) resolve();
        }
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch, pause }) => {
            const end = ends.get(batch.partition);
            const into = entries.get(batch.partition);
            if (end === undefined || !into) {
              pause();
              return;
            }
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= end || message.key === null) continue;
              into.push([message.key.toString('utf8'), message.value?.toString('utf8') ?? null]);
            }
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return entries;
}
