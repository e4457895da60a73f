// One transactional producer per input partition (Kafka Streams' "EOS alpha"): the transactional
// id is derived from the group, the topic and the partition, so whichever worker processes a
// partition fences every earlier writer of it. Claiming a partition initialises its producer
// (InitProducerId: bumps the epoch, and completes or aborts the transaction a previous owner
// left open) and only then reads the group's committed offset for it; see
// transactionalProcessor.ts for why that order makes exactly once hold across owners.
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { Logger } from '../shared/logger';

/** A partition this worker may write for: its producer and where its committed input ends. */
export interface PartitionClaim {
  readonly topic: string;
  readonly partition: number;
  readonly transactionalId: string;
  readonly producer: Producer;
  /**
   * The group's committed offset for the partition as read after the fence, moved on by each
   * transaction this producer commits: input below it has been delivered already.
   */
  nextOffset: bigint;
  /** the metadata committed with that offset (a window step's input stream time), if any */
  readonly committedMetadata: string | null;
}

export interface PartitionProducersOptions {
  kafka: Kafka;
  admin: Admin;
  group: string;
  logger: Logger;
  /** told how long each claim took, from the producer's creation to the offset read */
  onClaimed?: (milliseconds: number) => void;
}

/** `<group>.<topic>.<partition>`: the same for every worker of the group. */
export function partitionTransactionalId(group: string, topic: string, partition: number): string {
  return `${group}.${topic}.${partition}`;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class PartitionProducers {
  private readonly claims = new Map<string, Promise<PartitionClaim>>();
  private closed = false;

  constructor(private readonly options: PartitionProducersOptions) {}

  /** The partition's claim, fencing its earlier writers the first time it is asked for. */
  claim(topic: string, partition: number): Promise<PartitionClaim> {
    // after closeAll: a batch of a replaced consumer must not fence the live producers
    if (this.closed) return Promise.reject(new Error('the partition producers were closed'));
    const existing = this.claims.get(key(topic, partition));
    if (existing) return existing;
    const claiming = this.fence(topic, partition);
    this.claims.set(key(topic, partition), claiming);
    claiming.catch(() => this.claims.delete(key(topic, partition)));
    return claiming;
  }

  /** Partitions currently claimed, topic → partitions. */
  claimed(): Record<string, number[]> {
    const result: Record<string, number[]> = {};
    for (const entry of this.claims.keys()) {
      const [topic, partition] = entry.split('\u0000') as [string, string];
      (result[topic] ??= []).push(Number(partition));
    }
    return result;
  }

  /** Closes the producers of partitions not in `assignment` (topic → partitions). */
  async retainOnly(assignment: Record<string, number[]>): Promise<void> {
    const lost: Promise<void>[] = [];
    for (const [entry, claim] of this.claims) {
      const [topic, partition] = entry.split('\u0000') as [string, string];
      if (assignment[topic]?.includes(Number(partition))) continue;
      this.claims.delete(entry);
      lost.push(this.close(claim));
    }
    await Promise.all(lost);
  }

  /** Forgets a claim whose producer was fenced (the partition moved) or broke; closes it. */
  async drop(claim: PartitionClaim): Promise<void> {
    const entry = key(claim.topic, claim.partition);
    const current = this.claims.get(entry);
    if (current && (await current.catch(() => null)) === claim) this.claims.delete(entry);
    await this.close(Promise.resolve(claim));
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    const all = [...this.claims.values()];
    this.claims.clear();
    await Promise.all(all.map((claim) => this.close(claim)));
  }

  private async fence(topic: string, partition: number): Promise<PartitionClaim> {
    const { kafka, admin, group, logger } = this.options;
    const started = performance.now();
    const transactionalId = partitionTransactionalId(group, topic, partition);
    const producer = kafka.producer({
      transactionalId,
      // transactions are idempotent anyway; `idempotent` would only add a second producer id
      idempotent: false,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
      // the broker answers CONCURRENT_TRANSACTIONS while a previous transaction's markers are
      // being written; retrying after a few milliseconds instead of 200 keeps batches flowing
      retry: { initialRetryTime: 20, maxRetryTime: 2_000, retries: 12 },
    });
    try {
      await producer.connect();
      // kafkajs sends InitProducerId with the transactional id on the first transaction: an empty
      // one fences (and waits out) every earlier producer of this id, and commits nothing
      const fence = await producer.transaction();
      await fence.commit();
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const committed = offsets?.partitions.find((entry) => entry.partition === partition);
      const nextOffset = committed && committed.offset !== '-1' ? BigInt(committed.offset) : 0n;
      logger.info('claimed partition', {
        topic,
        partition,
        transactionalId,
        from: `${nextOffset}`,
      });
      const committedMetadata = committed?.metadata ?? null;
      this.options.onClaimed?.(performance.now() - started);
      return { topic, partition, transactionalId, producer, nextOffset, committedMetadata };
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private async close(claim: Promise<PartitionClaim>): Promise<void> {
    const settled = await claim.catch(() => null);
    if (!settled) return;
    try {
      await settled.producer.disconnect();
    } catch (error) {
      this.options.logger.warn('could not close a partition producer', {
        transactionalId: settled.transactionalId,
        error: String(error),
      });
    }
  }
}
