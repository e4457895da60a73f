// Consumer lag of the worker group on the input topic, per partition: the partition's end offset
// minus the group's committed offset (its start offset when nothing is committed yet). The poller
// asks the broker every few seconds with one admin client and hands each reading on. stop() waits
// for a connect or a reading in flight before it disconnects: a kafkajs admin call still running
// at disconnect() connects a broker again (its retry or its next request), and that socket stays.
import type { Admin } from 'kafkajs';
import { createKafka } from '../broker/kafkaClient';
import type { Logger } from '../shared/logger';

export interface PartitionLag {
  partition: number;
  lag: number;
}

type Offsets = { partition: number; offset: string }[];

/** Lag per partition from the topic's offsets (high and low) and the group's committed offsets. */
export function partitionLag(
  topicOffsets: readonly { partition: number; high: string; low: string }[],
  committed: Offsets,
): PartitionLag[] {
  const committedBy = new Map(
    committed.map(({ partition, offset }) => [partition, Number(offset)]),
  );
  return topicOffsets
    .map(({ partition, high, low }) => {
      const at = committedBy.get(partition);
      const from = at === undefined || at < 0 ? Number(low) : at;
      return { partition, lag: Math.max(0, Number(high) - from) };
    })
    .sort((a, b) => a.partition - b.partition);
}

export interface ConsumerLagPollerOptions {
  brokers: string[];
  groupId: string;
  topic: string;
  intervalMs?: number;
  logger: Logger;
  onLag: (at: number, partitions: PartitionLag[]) => void;
}

export class ConsumerLagPoller {
  private admin: Admin | null = null;
  private connecting: Promise<void> | null = null;
  private polling: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: ConsumerLagPollerOptions) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    const admin = createKafka({
      brokers: this.options.brokers,
      clientId: 'parquet-streamer-lag',
      logger: this.options.logger,
      // a failed reading is skipped and the next poll is its retry: stop() waits for one attempt
      retries: 0,
    }).admin();
    this.admin = admin;
    this.connecting = admin.connect();
    await this.connecting;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.connecting?.catch(() => undefined);
    await this.polling;
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => (this.polling = null));
    }, delayMs);
  }

  private async poll(): Promise<void> {
    const { groupId, topic, intervalMs = 2000 } = this.options;
    const admin = this.admin;
    if (!admin) return;
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      if (!this.stopped)
        this.options.onLag(Date.now(), partitionLag(ends, committed?.partitions ?? []));
    } catch (error) {
      // a reading is skipped, not fatal: the broker may be busy or restarting
      this.options.logger.debug('consumer lag not read', { error: String(error) });
    }
    this.schedule(intervalMs);
  }
}
