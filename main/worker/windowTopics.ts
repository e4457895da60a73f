// The two internal topics a worker running a window step needs. The repartition topic carries
// the rows after the steps before the window, keyed by the window key (murmur2, like any keyed
// record), so every row of a key reaches one partition and one worker; the compacted changelog
// topic keeps each repartition partition's window state (changelog partition = repartition
// partition), written in the same transaction as the outputs and offsets.
import type { Admin } from 'kafkajs';
import type { Row } from '../pipelines/pipeline';

export interface WindowTopicNames {
  repartition: string;
  changelog: string;
}

/** `<group>-<transform name>-repartition` and `-changelog`, in Kafka's topic alphabet. */
export function windowTopicNames(group: string, transformName: string): WindowTopicNames {
  const base = `${group}-${transformName}`.replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, 200);
  return { repartition: `${base}-repartition`, changelog: `${base}-changelog` };
}

/** Creates the topics that are missing, with as many partitions as the input topic. */
export async function ensureWindowTopics(
  admin: Admin,
  names: WindowTopicNames,
  inputTopic: string,
): Promise<void> {
  const [input] = (await admin.fetchTopicMetadata({ topics: [inputTopic] })).topics;
  const partitions = input?.partitions.length ?? 1;
  const existing = new Set(await admin.listTopics());
  const missing = [
    { topic: names.repartition, numPartitions: partitions },
    {
      topic: names.changelog,
      numPartitions: partitions,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
  ].filter(({ topic }) => !existing.has(topic));
  if (missing.length === 0) return;
  // two workers starting together may both create: the loser's TOPIC_ALREADY_EXISTS is fine
  await admin.createTopics({ topics: missing, waitForLeaders: false }).catch((error: unknown) => {
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
  });
  await waitForLeaders(admin, [names.repartition, names.changelog]);
}

/**
 * Waits until every partition of the topics has a leader. kafkajs' own wait gives up at once
 * when a KRaft broker has not learned of a topic it just created (UNKNOWN_TOPIC_OR_PARTITION).
 */
export async function waitForLeaders(
  admin: Admin,
  topics: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.topics.every(
        (topic) =>
          topic.partitions.length > 0 &&
          topic.partitions.every((partition) => partition.leader >= 0),
      );
      if (ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader yet`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The repartition record key of a row: its window key fields' values, as JSON. */
export function windowKeyOf(row: Row, keyFields: readonly string[]): string {
  return JSON.stringify(keyFields.map((field) => row[field] ?? null));
}
