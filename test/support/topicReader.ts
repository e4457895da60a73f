// Reads every message of a topic, from its first offset up to the end offsets it has when the read
// starts: how integration and e2e tests check what a producer left in a topic.
import type { Kafka, KafkaMessage } from 'kafkajs';
import { uniqueName } from './testBroker';

export interface TopicMessage {
  partition: number;
  message: KafkaMessage;
}

/** Every message of `topic`, in order within each partition; rejects if not done in `timeoutMs`. */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  { readerName = 'topic-reader', timeoutMs = 90_000 } = {},
): Promise<TopicMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect())).map((entry) => [
      entry.partition,
      BigInt(entry.high),
    ]),
  );
  const unfinished = new Set(
    [...ends].filter(([, end]) => end > 0n).map(([partition]) => partition),
  );
  const received: TopicMessage[] = [];
  if (unfinished.size === 0) return received;
  const consumer = kafka.consumer({ groupId: uniqueName(readerName), maxBytes: 8 << 20 });
  await consumer.connect();
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`topic ${topic}: read ${received.length} messages, then stalled`)),
        timeoutMs,
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages)
              received.push({ partition: batch.partition, message });
            const last = batch.messages.at(-1);
            if (last && BigInt(last.offset) + 1n >= (ends.get(batch.partition) ?? 0n)) {
              unfinished.delete(batch.partition);
              if (unfinished.size === 0) resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return received;
}
