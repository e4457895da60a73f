// The chart feed: consumes the output topic (read_committed, its own consumer group), keeps the
// rolling window of the last windowSize rows and pushes 'boxPlot' at most maxPushesPerSecond,
// only when something changed. It starts at the topic's end offsets as they were when start()
// was called — committed to its group before joining — so rows produced while it joins are not
// missed.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Consumer, Kafka } from 'kafkajs';
import type { BoxPlotData } from '../api/contract';
import { createKafka } from '../broker/kafkaClient';
import { retryRetriable } from '../broker/retryRetriable';
import { withAdmin } from '../broker/topicAdmin';
import { EnvironmentError, InputError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';
import { BoroughWindow, windowRowFrom } from './boroughWindow';
import { PushThrottle } from './pushThrottle';

export interface ChartFeedOptions {
  brokers: string[];
  topic: string;
  windowSize?: number;
  maxPushesPerSecond?: number;
  /** default: a new group per feed, deleted on stop */
  groupId?: string;
  logger?: Logger;
}

export interface ChartFeedEvents {
  boxPlot: [data: BoxPlotData];
}

export class ChartFeed extends EventEmitter<ChartFeedEvents> {
  readonly groupId: string;
  private readonly window: BoroughWindow;
  private readonly throttle: PushThrottle;
  private readonly logger: Logger;
  private readonly kafka: Kafka;
  private consumer: Consumer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: ChartFeedOptions) {
    super();
    this.window = new BoroughWindow(options.windowSize ?? 1000);
    this.throttle = new PushThrottle(options.maxPushesPerSecond ?? 10);
    this.logger = options.logger ?? createLogger('charts');
    this.groupId = options.groupId ?? `parquet-streamer-chart-${randomUUID()}`;
    this.kafka = createKafka({
      brokers: options.brokers,
      clientId: 'parquet-streamer-chart',
      logger: this.logger,
    });
  }

  /** The current window (what the next push would carry). */
  snapshot(): BoxPlotData {
    return this.window.snapshot();
  }

  async start(): Promise<void> {
    const { topic } = this.options;
    await this.commitStartOffsets();
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 250,
      sessionTimeout: 10_000,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    await consumer.connect();
    // Partitions with no committed offset were created after start(): all of their rows are new.
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const row = windowRowFrom(message.value);
          if (row) this.window.push(row);
        }
        this.schedulePush();
      },
    });
    this.logger.info('chart feed consuming', { topic, groupId: this.groupId });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const consumer = this.consumer;
    this.consumer = null;
    if (consumer) await consumer.disconnect();
    if (this.options.groupId === undefined) await this.deleteOwnGroup();
  }

  /** Commits the topic's current end offsets (read_committed) as the group's starting point. */
  private async commitStartOffsets(): Promise<void> {
    const { topic, brokers } = this.options;
    await withAdmin(brokers, async (admin) => {
      try {
        if (!(await admin.listTopics()).includes(topic)) {
          throw new InputError(
            `topic ${topic} does not exist on ${brokers.join(',')} — start the stream first`,
          );
        }
        const ends = await retryRetriable(() => admin.fetchTopicOffsets(topic));
        await admin.setOffsets({
          groupId: this.groupId,
          topic,
          partitions: ends.map(({ partition, offset }) => ({ partition, offset })),
        });
      } catch (error) {
        if (error instanceof InputError) throw error;
        throw new EnvironmentError(
          `chart feed cannot read ${topic} from ${brokers.join(',')}: ${(error as Error).message} — check that the broker is running`,
          { cause: error },
        );
      }
    });
  }

  private async deleteOwnGroup(): Promise<void> {
    try {
      await withAdmin(this.options.brokers, (admin) => admin.deleteGroups([this.groupId]));
    } catch (error) {
      this.logger.debug('could not delete the chart group', {
        groupId: this.groupId,
        error: String(error),
      });
    }
  }

  private schedulePush(): void {
    if (this.timer || this.stopped) return;
    const delay = this.throttle.delayBeforePush(Date.now(), this.window.version());
    if (delay === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      const version = this.window.version();
      this.throttle.markPushed(Date.now(), version);
      this.emit('boxPlot', this.window.snapshot());
    }, delay);
  }
}
