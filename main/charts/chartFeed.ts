// The chart feed: consumes the output topic (read_committed, its own consumer group) and keeps
// one rolling window per chart spec it is handed, pushing each chart's figure at most
// maxPushesPerSecond, only when its window changed. It learns the output's fields from the rows
// (and proposes a first chart when it was handed none). It starts at the topic's end offsets as
// they were when start() was called — committed to its group before joining — so rows produced
// while it joins are not missed. Charts can be set, edited and removed while it runs: a new or
// edited chart starts from the last rows the feed has seen. A feed that falls behind reads only
// what the windows can still hold (catchUp): the tail of each partition, seeking over the rest.
// The consumer runs in a thread of its own (outputFetcher.ts); the windows live here.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { retryRetriable } from '../broker/retryRetriable';
import { withAdmin } from '../broker/topicAdmin';
import { EnvironmentError, InputError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';
import { rowsToKeep } from './catchUp';
import type { ChartData } from './chartData';
import type { ChartSpec, OutputField } from './chartSpec';
import { FieldDiscovery } from './fieldDiscovery';
import { proposeFirstChart } from './firstChart';
import { LiveChart } from './liveChart';
import { OutputFetcher, type FetchedRows } from './outputFetcher';
import { PushThrottle } from './pushThrottle';
import { RollingRows } from './rollingRows';
export interface ChartFeedOptions {
  brokers: string[];
  topic: string;
  /** the charts to keep, in order */
  charts: ChartSpec[];
  /** propose a chart from the discovered fields when there are none (default true) */
  proposeFirstChart?: boolean;
  maxPushesPerSecond?: number;
  /** default: a new group per feed, deleted on stop */
  groupId?: string;
  logger?: Logger;
}

export interface ChartUpdate {
  id: string;
  data: ChartData;
}

export interface ChartFeedEvents {
  /** one chart's new figure */
  chartData: [update: ChartUpdate];
  /** the feed changed its chart list by itself (a proposed first chart) */
  charts: [charts: ChartSpec[]];
  /** the output's fields, whenever a new one (or a new type) shows up */
  fields: [fields: OutputField[]];
}

/** A new or edited chart starts from at most this many of the latest rows. */
const SEED_ROWS = 10_000;
const EXPIRE_EVERY_MS = 1000;

interface ChartEntry {
  chart: LiveChart;
  throttle: PushThrottle;
  timer: NodeJS.Timeout | null;
}

export class ChartFeed extends EventEmitter<ChartFeedEvents> {
  readonly groupId: string;
  private readonly logger: Logger;
  private readonly maxPushesPerSecond: number;
  private readonly discovery = new FieldDiscovery();
  private readonly recent = new RollingRows<Record<string, unknown>>({ rows: SEED_ROWS });
  private entries = new Map<string, ChartEntry>();
  private specs: ChartSpec[] = [];
  private mayPropose: boolean;
  private fetcher: OutputFetcher | null = null;
  private starting: Promise<void> | null = null;
  private expiry: NodeJS.Timeout | null = null;
  private stopped = false;
  private newestSourceRow: number | null = null;
  /** the output topic's partitions when the feed started: the windows' rows are shared among them */
  private partitions = 1;
  private parsed = 0;
  private skipped = 0;
  private seeks = 0;

  constructor(private readonly options: ChartFeedOptions) {
    super();
    this.maxPushesPerSecond = options.maxPushesPerSecond ?? 10;
    this.logger = options.logger ?? createLogger('charts');
    this.groupId = options.groupId ?? `parquet-streamer-chart-${randomUUID()}`;
    this.mayPropose = options.proposeFirstChart ?? true;
    this.setCharts(options.charts);
  }

  charts(): ChartSpec[] {
    return this.specs;
  }

  fields(): OutputField[] {
    return this.discovery.fields();
  }

  /** Every chart's current figure (what the next pushes would carry). */
  data(): Record<string, ChartData> {
    return Object.fromEntries(
      [...this.entries].map(([id, entry]) => [id, entry.chart.data()] as const),
    );
  }

  /** Output rows parsed, rows skipped (at most: offsets also hold markers) and seeks to catch up. */
  reading(): { parsed: number; skipped: number; seeks: number } {
    return { parsed: this.parsed, skipped: this.skipped, seeks: this.seeks };
  }

  /** The chart's window as CSV, one column per field of the chart. */
  csv(id: string): string {
    const entry = this.entries.get(id);
    if (!entry) throw new InputError(`there is no chart ${id} — add it first`);
    return entry.chart.csv();
  }

  /**
   * Replaces the chart list. Unchanged charts keep their windows; new and edited ones start from
   * the latest rows seen and push at once.
   */
  setCharts(specs: ChartSpec[]): void {
    const next = new Map<string, ChartEntry>();
    for (const spec of specs) {
      const old = this.entries.get(spec.id);
      if (old && JSON.stringify(old.chart.spec) === JSON.stringify(spec)) {
        next.set(spec.id, old);
        continue;
      }
      if (old?.timer) clearTimeout(old.timer);
      const chart = new LiveChart(spec);
      for (const [row, arrivedAt] of this.recent.entries()) chart.push(row, arrivedAt);
      chart.expire(Date.now());
      next.set(spec.id, {
        chart,
        throttle: new PushThrottle(this.maxPushesPerSecond),
        timer: null,
      });
    }
    for (const [id, entry] of this.entries) {
      if (!next.has(id) && entry.timer) clearTimeout(entry.timer);
    }
    this.entries = next;
    this.specs = specs;
    this.fetcher?.keep(this.rowsToKeep());
    if (specs.length > 0) this.mayPropose = false;
    for (const id of next.keys()) this.schedulePush(id);
  }

  /** Hands one output record value (JSON) to every chart; records that are not objects are skipped. */
  add(value: Buffer | string | null, arrivedAt: number): void {
    if (value === null) return;
    this.parsed += 1;
    let row: unknown;
    try {
      row = JSON.parse(value.toString());
    } catch {
      return;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return;
    const fields = row as Record<string, unknown>;
    if (this.discovery.observe(fields)) this.onFields();
    this.recent.push(fields, arrivedAt);
    for (const { chart } of this.entries.values()) chart.push(fields, arrivedAt);
  }

  /** Rows jumped over to catch up: the charts count them as seen. */
  private skip(rows: number): void {
    if (rows === 0) return;
    this.skipped += rows;
    for (const { chart } of this.entries.values()) chart.skip(rows);
  }

  start(): Promise<void> {
    this.starting ??= this.consume();
    return this.starting;
  }

  private async consume(): Promise<void> {
    const { topic, brokers } = this.options;
    await this.commitStartOffsets();
    if (this.stopped) return;
    const fetcher = new OutputFetcher(
      {
        brokers,
        topic,
        groupId: this.groupId,
        keep: this.rowsToKeep(),
      },
      (rows) => this.onRows(rows),
      this.logger,
    );
    this.fetcher = fetcher;
    await fetcher.started();
    this.expiry = setInterval(() => this.expireTimeWindows(), EXPIRE_EVERY_MS);
    this.logger.info('chart feed consuming', { topic, groupId: this.groupId });
  }

  /** The rows per partition the windows need (what a lagging feed still reads). */
  private rowsToKeep(): number {
    return rowsToKeep(
      this.specs.map((spec) => spec.window),
      this.partitions,
    );
  }

  /** One fetched batch: the rows skipped to catch up, then the rows read, then the pushes. */
  private onRows({ arrivedAt, skipped, seeked, values, newestSourceRow }: FetchedRows): void {
    if (this.stopped) return;
    if (seeked) this.seeks += 1;
    this.skip(skipped);
    for (const value of values) this.add(value, arrivedAt);
    if (
      newestSourceRow !== null &&
      (this.newestSourceRow === null || newestSourceRow > this.newestSourceRow)
    ) {
      this.newestSourceRow = newestSourceRow;
    }
    for (const id of this.entries.keys()) this.schedulePush(id);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // a stop during start() waits for it, so no consumer is left behind
    await this.starting?.catch(() => undefined);
    if (this.expiry) clearInterval(this.expiry);
    this.expiry = null;
    for (const entry of this.entries.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
    }
    const fetcher = this.fetcher;
    this.fetcher = null;
    if (fetcher) await fetcher.stop();
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
        this.partitions = ends.length;
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

  private onFields(): void {
    const fields = this.discovery.fields();
    this.emit('fields', fields);
    if (!this.mayPropose) return;
    const proposal = proposeFirstChart(fields);
    if (!proposal) return;
    this.setCharts([proposal]);
    this.emit('charts', this.specs);
  }

  private expireTimeWindows(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (entry.chart.expire(now)) this.schedulePush(id);
    }
  }

  private schedulePush(id: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.timer || this.stopped) return;
    const delay = entry.throttle.delayBeforePush(Date.now(), entry.chart.version());
    if (delay === null) return;
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (this.stopped || this.entries.get(id) !== entry) return;
      // a timer runs by the event loop's cached clock and may fire a little early: wait it out
      if (entry.throttle.delayBeforePush(Date.now(), entry.chart.version()) !== 0) {
        this.schedulePush(id);
        return;
      }
      entry.throttle.markPushed(Date.now(), entry.chart.version());
      const data = entry.chart.data();
      if (this.newestSourceRow !== null) data.newestSourceRow = this.newestSourceRow;
      this.emit('chartData', { id, data });
    }, delay);
  }
}
