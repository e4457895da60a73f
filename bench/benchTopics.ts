// What benchmarks read back from their topics: when each source.row was stamped, and how far a
// consumer group has committed.
import type { Admin } from 'kafkajs';
import { readCommitted } from '../main/broker/committedTopicReader';
import { SOURCE_ROW_HEADER } from '../main/shared/sourceHeaders';

/** The record timestamp of each source.row in `topic` that `wanted` accepts (read_committed). */
export async function rowStamps(
  brokers: string[],
  topic: string,
  wanted: (row: number) => boolean,
): Promise<Map<number, number>> {
  const at = new Map<number, number>();
  await readCommitted(brokers, topic, (_partition, message) => {
    const row = Number(message.headers?.[SOURCE_ROW_HEADER]?.toString());
    if (wanted(row)) at.set(row, Number(message.timestamp));
  });
  return at;
}

/** The sum of `topic`'s end offsets. */
export async function topicEnd(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

/** The sum of the offsets `group` has committed on `topic` (partitions without one count 0). */
export async function groupCommitted(admin: Admin, group: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}
