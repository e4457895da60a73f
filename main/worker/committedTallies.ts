// The group's counts that survive a crash. Each transaction also writes, to the compacted topic
// `<group>-counters`, the running totals of the partition it consumed from (rows in, out,
// dropped, transactions and the per-step counts), as one record keyed by that partition's topic,
// to the counters partition of the same number. The record commits or aborts with the output
// and the offsets, so the latest committed record per key is exactly what reached the output
// topic. A partition's next owner restores its totals after claiming it (no earlier writer can
// still commit then) and goes on from there; the group's totals are the sum over every key of
// every counters partition, whoever processed it.
import type { Admin, Kafka } from 'kafkajs';
import { createKafka } from '../broker/kafkaClient';
import { addTally, type StepTally } from '../pipelines/pipeline';
import { readCommittedPartitions, type ChangelogEntry } from './changelogReader';
import type { PartitionCounts } from './transactionalProcessor';
import { waitForLeaders } from './windowTopics';

/** Running totals of one consumed partition (or of the group: their sum). */
export interface CommittedCounts {
  /** input rows in committed transactions */
  rowsIn: number;
  /** output rows in committed transactions */
  rowsOut: number;
  /** input rows that gave no output row */
  rowsDropped: number;
  /** committed transactions */
  transactions: number;
  /** the transform's per-step counts */
  steps: StepTally;
}

/** `<group>-counters`, in Kafka's topic alphabet. */
export function countersTopicName(group: string): string {
  return `${group.replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, 230)}-counters`;
}

export function zeroCounts(steps: StepTally = []): CommittedCounts {
  return {
    rowsIn: 0,
    rowsOut: 0,
    rowsDropped: 0,
    transactions: 0,
    steps: steps.map((step) => ({ ...step, in: 0, out: 0, dropped: 0, errors: 0, late: 0 })),
  };
}

/** `total` plus `delta`, as a new object (with the longer of their step lists). */
export function addCounts(total: CommittedCounts, delta: CommittedCounts): CommittedCounts {
  const steps = (
    delta.steps.length > total.steps.length ? zeroCounts(delta.steps) : total
  ).steps.map((step) => ({ ...step }));
  if (delta.steps.length > total.steps.length) addTally(steps, total.steps);
  addTally(steps, delta.steps);
  return {
    rowsIn: total.rowsIn + delta.rowsIn,
    rowsOut: total.rowsOut + delta.rowsOut,
    rowsDropped: total.rowsDropped + delta.rowsDropped,
    transactions: total.transactions + delta.transactions,
    steps,
  };
}

/**
 * The group's committed totals as its workers report them (/stats `committed`): per consumed
 * partition the latest report of whichever worker held it (totals only grow, so the one with the
 * most transactions), added up. A killed worker's partitions are reported again by their next
 * owner, which restores them from the counters topic; so once the workers have caught up these
 * equal the committed output exactly. Both worker pools (this machine's, SLURM's) keep one.
 */
export class ReportedTotals {
  private readonly latest = new Map<string, PartitionCounts>();

  note(reports: readonly PartitionCounts[] | undefined): void {
    for (const counts of reports ?? []) {
      const key = `${counts.topic}\u0000${counts.partition}`;
      const known = this.latest.get(key);
      if (!known || counts.transactions >= known.transactions) this.latest.set(key, counts);
    }
  }

  totals(): CommittedCounts {
    let total = zeroCounts();
    for (const counts of this.latest.values()) total = addCounts(total, counts);
    return total;
  }
}

/** The latest value per key of a partition's entries, parsed; unreadable values are skipped. */
export function latestCounts(entries: readonly ChangelogEntry[]): Map<string, CommittedCounts> {
  const latest = new Map<string, CommittedCounts>();
  for (const [key, value] of entries) {
    if (value === null) {
      latest.delete(key);
      continue;
    }
    try {
      latest.set(key, JSON.parse(value) as CommittedCounts);
    } catch {
      // a record this version did not write: it counts nothing
    }
  }
  return latest;
}

/** Creates the counters topic, or adds partitions, so it has at least `partitions`. */
export async function ensureCountersTopic(
  admin: Admin,
  topic: string,
  partitions: number,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  if (!existing.has(topic)) {
    await admin
      .createTopics({
        topics: [
          {
            topic,
            numPartitions: partitions,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
        // kafkajs' own wait fails at once while a KRaft broker has not learned of the topic
        waitForLeaders: false,
      })
      .catch((error: unknown) => {
        // two workers starting together may both create: the loser's TOPIC_ALREADY_EXISTS is fine
        if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
      });
    await waitForLeaders(admin, [topic]);
    return;
  }
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const have = metadata?.partitions.length ?? 0;
  if (have < partitions) {
    await admin
      .createPartitions({ topicPartitions: [{ topic, count: partitions }] })
      .catch((error: unknown) => {
        if ((error as { type?: string }).type !== 'INVALID_PARTITIONS') throw error;
      });
  }
}

/**
 * The group's committed totals: the latest record of every key of every counters partition,
 * added up; zero when nothing was committed yet.
 */
export async function readGroupCounts(
  kafka: Kafka,
  admin: Admin,
  group: string,
): Promise<CommittedCounts> {
  const topic = countersTopicName(group);
  let total = zeroCounts();
  if (!(await admin.listTopics()).includes(topic)) return total;
  for (const entries of (await readCommittedPartitions(kafka, admin, topic)).values()) {
    for (const counts of latestCounts(entries).values()) total = addCounts(total, counts);
  }
  return total;
}

/** readGroupCounts with a client of its own. */
export async function readGroupCountsAt(
  brokers: string[],
  group: string,
): Promise<CommittedCounts> {
  const kafka = createKafka({ brokers, clientId: 'parquet-streamer-counters' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await readGroupCounts(kafka, admin, group);
  } finally {
    await admin.disconnect();
  }
}

/** The per-step counts committed between two readings of the group's totals. */
export function stepsBetween(
  before: CommittedCounts,
  after: CommittedCounts,
  steps: StepTally,
): StepTally {
  const result = steps.map((step) => ({ ...step, in: 0, out: 0, dropped: 0, errors: 0, late: 0 }));
  addTally(result, after.steps);
  const earlier = before.steps.map((step) => ({
    ...step,
    in: -step.in,
    out: -step.out,
    dropped: -step.dropped,
    errors: -step.errors,
    late: -step.late,
  }));
  addTally(result, earlier);
  return result;
}
