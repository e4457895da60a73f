// Topic administration against any cluster: create, list, describe (with offsets), grow.
// Errors from the cluster become one-line messages that say what to do.
import type { Admin } from 'kafkajs';
import { InputError } from '../shared/errors';
import { checkTopicName } from '../shared/topicName';
import { connectionFailure } from './connectionFailure';
import { createKafka } from './kafkaClient';
import { retryRetriable } from './retryRetriable';

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** copies of each partition (default: the cluster's default.replication.factor) */
  replicationFactor?: number;
}

export interface PartitionDescription {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  earliestOffset: string;
  latestOffset: string;
}

export interface TopicDescription {
  topic: string;
  partitions: PartitionDescription[];
}

/** Runs `work` with a connected admin client and always disconnects it. */
export async function withAdmin<T>(
  brokers: string[],
  work: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = createKafka({ brokers, clientId: 'parquet-streamer-admin', retries: 3 }).admin();
  try {
    await admin.connect();
  } catch (error) {
    throw connectionFailure(brokers, error);
  }
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopic(
  brokers: string[],
  spec: TopicSpec,
): Promise<'created' | 'exists'> {
  checkTopicName(spec.topic, 'topic name');
  validatePartitions(spec.partitions);
  return withAdmin(brokers, async (admin) => {
    if (await hasTopic(admin, spec.topic)) return 'exists';
    await createIn(admin, spec);
    return 'created';
  });
}

/** Creates the topic, or grows it to spec.partitions when it has fewer; returns its count. */
export async function ensureTopic(brokers: string[], spec: TopicSpec): Promise<number> {
  checkTopicName(spec.topic, 'topic name');
  validatePartitions(spec.partitions);
  return withAdmin(brokers, async (admin) => {
    if (!(await hasTopic(admin, spec.topic))) {
      await createIn(admin, spec);
      return spec.partitions;
    }
    const current = await countPartitions(admin, spec.topic);
    if (current >= spec.partitions) return current;
    await growIn(admin, spec.topic, spec.partitions);
    return spec.partitions;
  });
}

/** How many partitions an existing topic has (metadata only, no offsets). */
export async function partitionCount(brokers: string[], topic: string): Promise<number> {
  return withAdmin(brokers, async (admin) => {
    await requireTopic(admin, topic);
    return countPartitions(admin, topic);
  });
}

export async function listTopics(brokers: string[]): Promise<string[]> {
  return withAdmin(brokers, async (admin) =>
    (await admin.listTopics()).filter((topic) => !topic.startsWith('__')).sort(),
  );
}

export async function topicExists(brokers: string[], topic: string): Promise<boolean> {
  return withAdmin(brokers, (admin) => hasTopic(admin, topic));
}

export async function describeTopic(brokers: string[], topic: string): Promise<TopicDescription> {
  checkTopicName(topic, 'topic name');
  return withAdmin(brokers, async (admin) => {
    await requireTopic(admin, topic);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const offsets = await retryRetriable(() => admin.fetchTopicOffsets(topic));
    const offsetsByPartition = new Map(offsets.map((entry) => [entry.partition, entry]));
    const partitions = metadata.topics[0].partitions
      .map((partition) => ({
        partition: partition.partitionId,
        leader: partition.leader,
        replicas: partition.replicas,
        isr: partition.isr,
        earliestOffset: offsetsByPartition.get(partition.partitionId)?.low ?? '0',
        latestOffset: offsetsByPartition.get(partition.partitionId)?.high ?? '0',
      }))
      .sort((a, b) => a.partition - b.partition);
    return { topic, partitions };
  });
}

/** Raises a topic's partition count (Kafka cannot lower it). */
export async function increasePartitions(
  brokers: string[],
  topic: string,
  partitions: number,
): Promise<void> {
  checkTopicName(topic, 'topic name');
  validatePartitions(partitions);
  await withAdmin(brokers, async (admin) => {
    await requireTopic(admin, topic);
    const current = await countPartitions(admin, topic);
    if (partitions < current) {
      throw new InputError(
        `topic "${topic}" has ${current} partitions; Kafka cannot reduce them — choose ${current} or more`,
      );
    }
    if (partitions > current) await growIn(admin, topic, partitions);
  });
}

async function hasTopic(admin: Admin, topic: string): Promise<boolean> {
  return (await admin.listTopics()).includes(topic);
}

async function requireTopic(admin: Admin, topic: string): Promise<void> {
  if (!(await hasTopic(admin, topic))) {
    throw new InputError(
      `topic "${topic}" does not exist — create it with \`parquet-streamer topic create ${topic}\``,
    );
  }
}

async function countPartitions(admin: Admin, topic: string): Promise<number> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  return metadata.topics[0].partitions.length;
}

/** Creates a topic through an open admin client, waiting out a busy broker's slow metadata. */
export async function createIn(admin: Admin, spec: TopicSpec): Promise<void> {
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: spec.topic,
          numPartitions: spec.partitions,
          // -1: the cluster's default.replication.factor (3 on a local 3-node cluster)
          replicationFactor: spec.replicationFactor ?? -1,
        },
      ],
    });
  } catch (error) {
    // Waiting for leaders can run out of retries on a busy broker (UNKNOWN_TOPIC_OR_PARTITION
    // while metadata catches up) although the topic was created: then wait for it here. A
    // refusal Kafka will not change its mind about (a bad replication factor, a policy) is final.
    if (refusedOutright(error)) throw clusterRefused(`create topic "${spec.topic}"`, error);
    await untilCreated(admin, spec.topic).catch((waitError: unknown) => {
      throw clusterRefused(`create topic "${spec.topic}"`, waitError);
    });
  }
}

/** true when kafkajs says the topic itself was refused with an error that is not retriable. */
function refusedOutright(error: unknown): boolean {
  const nested = (error as { errors?: { retriable?: boolean }[] }).errors ?? [];
  return nested.some((entry) => entry.retriable === false);
}

/** Waits until the new topic is listed and every partition has a leader answering offsets. */
async function untilCreated(admin: Admin, topic: string, timeoutMs = 60_000): Promise<void> {
  await retryRetriable(
    async () => {
      if (!(await hasTopic(admin, topic))) {
        throw Object.assign(new Error('the topic is not listed yet'), { retriable: true });
      }
      await admin.fetchTopicOffsets(topic);
    },
    { timeoutMs, delayMs: 500 },
  );
}

async function growIn(admin: Admin, topic: string, partitions: number): Promise<void> {
  try {
    await admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] });
  } catch (error) {
    throw clusterRefused(`add partitions to "${topic}"`, error);
  }
}

function validatePartitions(partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new InputError(`--partitions must be a whole number of at least 1 (got ${partitions})`);
  }
}

function clusterRefused(action: string, error: unknown): InputError {
  // kafkajs wraps per-topic failures in an aggregate whose own message says little.
  const nested = (error as { errors?: { error?: Error; message?: string }[] }).errors ?? [];
  const details = nested.map((entry) => entry.error?.message ?? entry.message).filter(Boolean);
  const reason =
    details.length > 0
      ? details.join('; ')
      : error instanceof Error
        ? error.message
        : String(error);
  return new InputError(`the cluster refused to ${action}: ${reason}`, { cause: error });
}
