// Reads one partition of a changelog topic from its first offset to its end, read_committed: the
// entries a window operator rebuilds a partition's state from. kafkajs consumers always belong to
// a group, so the read uses a throwaway group that commits nothing and pauses every other
// partition it is given.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';

export type ChangelogEntry = [key: string, value: string | null];

export async function readChangelogPartition(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  partition: number,
  timeoutMs = 60_000,
): Promise<ChangelogEntry[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const bounds = offsets.find((entry) => entry.partition === partition);
  const end = BigInt(bounds?.high ?? '0');
  if (!bounds || end === BigInt(bounds.low)) return [];
  const entries: ChangelogEntry[] = [];
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
        () => reject(new Error(`changelog ${topic} partition ${partition} did not reach its end`)),
        timeoutMs,
      );
      // a batch of only aborted records or markers reaches no eachBatch, but ends here
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.partition === partition && BigInt(payload.lastOffset) + 1n >= end) resolve();
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch, pause }) => {
            if (batch.partition !== partition) {
              pause();
              return;
            }
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= end || message.key === null) continue;
              entries.push([message.key.toString('utf8'), message.value?.toString('utf8') ?? null]);
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
