// The worker's stream processor: a consumer-group member that reads the input topic, runs the
// transform handed to it over each batch and writes the output topic exactly once. Each batch of one input
// partition is one Kafka transaction holding the output records and the consumed input offset
// (sendOffsets); on any failure the transaction is aborted and, since nothing was resolved, the
// batch is fetched again. The batch's per-step counts reach the stats only once it committed.
// Batches of different partitions run side by side (PARTITIONS_IN_FLIGHT): every piece of state
// below (claim, counts, window state, stream time) belongs to one partition.
// A record value that is not a JSON object counts as an error of step 1: it reached the
// transform and its first step could not take it.
//
// Window steps (windowTopics.ts) run in two stages over one consumer: an input batch runs the
// steps before the window and writes the rows, keyed by the window key, to the repartition
// topic; a repartition batch runs the window and the steps after it, writes the results to the
// output topic and the state's changes to the changelog partition of the same number — each
// in one transaction with the batch's offsets. A repartition partition's state is restored from
// its changelog after the partition is claimed (so no earlier owner's transaction is still
// open) and again after an aborted transaction, so the operator never undoes anything. Event
// time is tracked per input partition (windowTopics.ts: SourceClock): the input stage tags each
// row with it, sends progress markers, and commits it as its offset's metadata.
//
// Counts. Each transaction also carries the consumed partition's running totals to the group's
// counters topic (committedTallies.ts), restored the same way after a claim or an abort, so the
// counts a user reads are those of the committed output whoever crashed. A worker claims every
// partition it is assigned as soon as it joins, so a partition whose input has all been
// processed still shows its totals under its new owner.
//
// Fencing. kafkajs speaks the pre-KIP-447 protocol: TxnOffsetCommit carries no group generation,
// so the broker accepts an offset commit from a member the group has already expelled. A worker
// frozen past its session timeout (SIGSTOP, a long GC, a suspended laptop) would, once resumed,
// commit a batch of a partition that has moved to another worker, which processed it as well.
// So each input partition has its own transactional producer, transactionalId
// `<group>.<topic>.<partition>` (partitionProducers.ts), shared by every worker of the group:
// - The first batch of a partition a worker gets runs InitProducerId for that id first. The
//   broker bumps the epoch, so the previous owner's producer can neither send nor commit again
//   (PRODUCER_FENCED / INVALID_PRODUCER_EPOCH), and it aborts the previous owner's open
//   transaction — or, if that one had already asked to commit (EndTxn), answers
//   CONCURRENT_TRANSACTIONS until the commit's markers are written, and kafkajs retries.
// - Only after that does the worker read the group's committed offset for the partition, and it
//   skips input below it. kafkajs read the offset when it joined, possibly before the previous
//   owner's last commit completed (a zombie frozen between TxnOffsetCommit and EndTxn, or a
//   commit whose markers the broker had not written yet), so its fetch position may be behind;
//   the offset read after the fence is final, because no earlier transaction of this partition
//   can still complete.
// - Every transaction then moves that offset on by itself; a producer that was fenced since its
//   own fence cannot commit, so a committed batch always starts where the last one ended.
// - A fenced producer means the partition moved: the worker aborts, drops that producer and
//   rejoins the group (it has most likely been expelled); this is not an error of the worker.
//   A worker that keeps a partition across generations but was expelled in between finds its
//   producer fenced on the next batch, and claims the partition again (fence, read the offset).
//   A partition lost at a rebalance has its producer closed.
//
// A lost broker is a wait, not an end (brokerLoss.ts says which failures are that). The worker
// drops its consumer, producers and admin client and, with a capped exponential backoff, makes
// new ones until the broker answers and it has rejoined the group; meanwhile its state is
// `reconnecting`. Transactions the outage cut off are aborted (or completed) by the broker's
// transaction coordinator, and the fresh producers claim every partition anew, so the fence
// and the offset read after it hold across the outage exactly as across owners. What cannot
// heal ends the worker, each said plainly: a topic deleted (found when reconnecting), the
// broker away longer than --reconnect-timeout, or a failure that is no broker loss.
import type {
  Admin,
  Consumer,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  Message,
  TopicMessages,
} from 'kafkajs';
import { KafkaJSError } from '../broker/kafkajs';
import { withAdmin } from '../broker/topicAdmin';
import { EnvironmentError, InputError, isUserError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { SOURCE_FILE_HEADER, SOURCE_ROW_HEADER } from '../shared/sourceHeaders';
import type {
  CompiledTransform,
  Row,
  SourceTime,
  StepTally,
  WindowStage,
  WindowState,
} from '../pipelines/pipeline';
import { jsonRowReader, type RowReader } from '../pipelines/projectedJson';
import { isBrokerLoss, ReconnectBackoff } from './brokerLoss';
import { readChangelogPartition, readCommittedPartitions } from './changelogReader';
import {
  addCounts,
  countersTopicName,
  ensureCountersTopic,
  latestCounts,
  zeroCounts,
  type CommittedCounts,
} from './committedTallies';
import { PartitionProducers, type PartitionClaim } from './partitionProducers';
import type { Service } from './service';
import {
  ensureWindowTopics,
  SourceClock,
  sourceTimeOf,
  windowKeyOf,
  windowTopicNames,
  type WindowTopicNames,
} from './windowTopics';
import type { WorkerStats } from './workerStats';

export interface ProcessorOptions {
  kafka: Kafka;
  brokers: string[];
  group: string;
  workerId: string;
  inputTopic: string;
  outputTopic: string;
  sessionTimeoutMs: number;
  /** how long a lost broker is waited for before the worker gives up; null: for ever */
  reconnectTimeoutMs: number | null;
  /** what to do to each row */
  transform: CompiledTransform;
  stats: WorkerStats;
  logger: Logger;
  /** called when the processor cannot go on (a topic deleted, a failure that is no broker loss) */
  onFatal: (error: Error) => void;
}

/** The headers every output record carries over from its input record. */
const PASSED_HEADERS = [SOURCE_FILE_HEADER, SOURCE_ROW_HEADER];

/**
 * The consumer's own retries before it crashes: few and short, so that a lost broker shows as
 * `reconnecting` within seconds and the reconnect loop, not kafkajs, paces the attempts.
 */
const CONSUMER_RETRY = { initialRetryTime: 300, maxRetryTime: 2_000, retries: 3 };

/**
 * Batches of different partitions processed at once. Each partition has its own producer, so
 * one partition's transaction round trips (AddPartitionsToTxn, Produce, AddOffsetsToTxn,
 * TxnOffsetCommit, EndTxn) overlap another's transform instead of leaving the worker idle;
 * kafkajs never runs two batches of one partition at once, so each partition's order holds.
 */
const PARTITIONS_IN_FLIGHT = 8;

/** Input bytes one fetch brings per partition: one batch, one transaction (tens of thousands of rows). */
const MAX_FETCH_BYTES_PER_PARTITION = 16 * 1024 * 1024;

const FENCING_ERRORS = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);

/** true when a producer was fenced: another worker has claimed the partition since. */
function isFencing(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (FENCING_ERRORS.has((cause as Error & { type?: string }).type ?? '')) return true;
  }
  return false;
}

/** An error kafkajs' runner answers by rejoining the group (it checks the type, runner.js). */
function rejoinError(message: string, cause: unknown): Error {
  return Object.assign(new KafkaJSError(message), { type: 'REBALANCE_IN_PROGRESS', cause });
}

/** The source headers of a record, in a new object that the output record may extend. */
function passedHeaders(headers: IHeaders | undefined): IHeaders {
  const kept: IHeaders = {};
  if (headers === undefined) return kept;
  for (const name of PASSED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/**
 * Bytes of records one Produce request carries at most. The broker refuses a partition's record
 * batch above max.message.bytes (1 MiB by default), and a batch's window results and changelog
 * entries can outgrow the input that made them: under half of that, all partitions together.
 */
const MAX_SEND_BYTES = 512 * 1024;

function partBytes(part: Buffer | string | null | undefined): number {
  if (typeof part === 'string') return Buffer.byteLength(part);
  return part ? part.length : 0;
}

function messageBytes(message: Message): number {
  let bytes = 32 + partBytes(message.key) + partBytes(message.value);
  const headers = message.headers ?? {};
  for (const name in headers) {
    const value = headers[name];
    bytes += name.length * 3 + 8;
    if (Array.isArray(value)) for (const item of value) bytes += partBytes(item);
    else bytes += partBytes(value);
  }
  return bytes;
}

/** The sends in order, cut into chunks of at most MAX_SEND_BYTES (or one message each). */
function sendChunks(sends: { topic: string; messages: Message[] }[]): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  let chunk: TopicMessages[] = [];
  let bytes = 0;
  for (const { topic, messages } of sends) {
    let current: Message[] = [];
    for (const message of messages) {
      const size = messageBytes(message);
      if (bytes + size > MAX_SEND_BYTES && bytes > 0) {
        if (current.length > 0) chunk.push({ topic, messages: current });
        chunks.push(chunk);
        chunk = [];
        current = [];
        bytes = 0;
      }
      current.push(message);
      bytes += size;
    }
    if (current.length > 0) chunk.push({ topic, messages: current });
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** A repartition record's row: the steps before the window wrote only what it needs. */
const readWholeRow = jsonRowReader(null);

/** A window stage's state for one repartition partition, with what it has shown /stats. */
export interface WindowPartition {
  partition: number;
  openWindows: number;
  stateBytes: number;
}

/** The committed totals of one partition this worker holds. */
export interface PartitionCounts extends CommittedCounts {
  topic: string;
  partition: number;
}

/** A claimed partition's committed totals, valid for the claim they were restored under. */
interface HeldCounts {
  claim: PartitionClaim;
  counts: Promise<CommittedCounts>;
  /** the counts once known */
  settled: CommittedCounts | null;
}

const heldKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** One batch's records to write, and its counts for the stats. */
interface BatchWork {
  sends: { topic: string; messages: Message[] }[];
  rowsIn: number;
  rowsOut: number;
  dropped: number;
  /** metadata to commit with the input offset; called once the transaction committed */
  offsetMetadata?: string | null;
  onCommitted?: () => void;
}

/**
 * Runs the transform's row steps over each message, keeping its source headers and its key —
 * or, before a window, keying each row by its window key for the repartition topic and tagging
 * it with its input partition's stream time (`clock`).
 */
function transformMessages(
  transform: CompiledTransform,
  messages: readonly KafkaMessage[],
  tally: StepTally,
  clock: SourceClock | null,
  readRow: RowReader,
): { outputs: Message[]; dropped: number } {
  const operator = clock ? (transform.window?.operator ?? null) : null;
  const keyFields = transform.window?.operator.keyFields ?? null;
  const outputs: Message[] = [];
  const rows: Row[] = [];
  let dropped = 0;
  for (const message of messages) {
    const row = readRow(message.value);
    if (row === null) {
      const first = tally[0];
      if (first) {
        first.in++;
        first.errors++;
      }
      dropped++;
      continue;
    }
    rows.length = 0;
    transform.head.runInto(row, tally, rows);
    if (rows.length === 0) {
      dropped++;
      continue;
    }
    for (const out of rows) {
      const headers = passedHeaders(message.headers);
      if (operator) clock!.tag(headers, operator.eventTime(out));
      outputs.push({
        key: keyFields ? windowKeyOf(out, keyFields) : message.key,
        value: JSON.stringify(out),
        headers,
      });
    }
  }
  return { outputs, dropped };
}

/** Runs a repartition batch through the window and the steps after it. */
function windowMessages(
  window: WindowStage,
  state: WindowState,
  messages: readonly KafkaMessage[],
  tally: StepTally,
): { outputs: Message[]; changes: Message[] } {
  const rows: Row[] = [];
  const sources = { rows: [] as (SourceTime | null)[], progress: [] as SourceTime[] };
  for (const message of messages) {
    const source = sourceTimeOf(message);
    // a progress marker: no row, only an input partition's stream time
    if (message.value === null && source !== null) sources.progress.push(source);
    const row = readWholeRow(message.value);
    if (row === null) continue;
    rows.push(row);
    sources.rows.push(source);
  }
  const { results, changes } = window.operator.process(
    state,
    rows,
    Date.now(),
    tally[window.tallyIndex]!,
    sources,
  );
  const keyFields = window.operator.keyFields;
  const outputs = window.tail.run(results, tally).map((row) => ({
    key: windowKeyOf(row, keyFields),
    value: JSON.stringify(row),
  }));
  return { outputs, changes: changes.map(([key, value]) => ({ key, value })) };
}

export class TransactionalProcessor implements Service {
  readonly name = 'stream-processor';
  private consumer: Consumer | null = null;
  private admin: Admin | null = null;
  private producers: PartitionProducers | null = null;
  private joined = false;
  private currentAssignment: Record<string, number[]> = {};
  /** when the broker was lost, while the processor reconnects; null otherwise */
  private lostSince: number | null = null;
  private readonly backoff = new ReconnectBackoff();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  /** the internal topics when the transform has a window step */
  private readonly windowTopics: WindowTopicNames | null;
  /** window state per repartition partition, valid for the claim it was restored under */
  private readonly windowStates = new Map<number, { claim: PartitionClaim; state: WindowState }>();
  /** `<group>-counters`: each consumed partition's committed totals */
  private readonly countersTopic: string;
  private readonly held = new Map<string, HeldCounts>();
  /** input partitions, whose stream times each window partition waits for */
  private sourcePartitions = 1;
  /** each input partition's stream time as last committed, valid for the claim it was read under */
  private readonly sourceClocks = new Map<number, { claim: PartitionClaim; clock: SourceClock }>();
  /** an input record's row, holding only the fields the transform reads */
  private readonly readRow: RowReader;

  constructor(private readonly options: ProcessorOptions) {
    this.windowTopics = options.transform.window
      ? windowTopicNames(options.group, options.transform.name)
      : null;
    this.countersTopic = countersTopicName(options.group);
    this.readRow = jsonRowReader(options.transform.inputFields);
  }

  /** true once the consumer has joined the group and holds an assignment */
  isConsuming(): boolean {
    return this.joined && this.consumer !== null && this.lostSince === null;
  }

  /** true while the broker is lost and the processor tries to reach it again */
  isReconnecting(): boolean {
    return this.lostSince !== null;
  }

  assignment(): Record<string, number[]> {
    return this.currentAssignment;
  }

  /** Open windows and state size of each repartition partition this worker holds. */
  windowPartitions(): WindowPartition[] {
    const held = this.windowTopics
      ? (this.currentAssignment[this.windowTopics.repartition] ?? [])
      : [];
    return [...this.windowStates]
      .filter(([partition]) => held.includes(partition))
      .sort(([a], [b]) => a - b)
      .map(([partition, { state }]) => ({
        partition,
        openWindows: state.openWindows,
        stateBytes: state.sizeBytes,
      }));
  }

  /** The committed totals of the partitions this worker holds and has restored, in order. */
  committedCounts(): PartitionCounts[] {
    const result: PartitionCounts[] = [];
    for (const [topic, partitions] of Object.entries(this.currentAssignment)) {
      for (const partition of partitions) {
        const counts = this.held.get(heldKey(topic, partition))?.settled;
        if (counts) result.push({ topic, partition, ...counts });
      }
    }
    return result.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  async start(): Promise<void> {
    const { logger, group, inputTopic, outputTopic } = this.options;
    await this.checkTopics('at start');
    await this.connect();
    logger.info('consuming', { group, inputTopic, outputTopic });
  }

  /** Makes the admin client, the consumer and the partition producers, and starts consuming. */
  private async connect(): Promise<void> {
    const { kafka, logger, group, inputTopic, sessionTimeoutMs } = this.options;
    const admin = kafka.admin();
    const consumer = kafka.consumer({
      groupId: group,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeoutMs / 5)),
      readUncommitted: false,
      allowAutoTopicCreation: false,
      // a short long-poll so that leaving the group on SIGTERM does not wait for an idle fetch
      maxWaitTimeInMs: 500,
      // large batches: a transaction's round trips and kafkajs' pause between fetches (it
      // fetches again only once every batch of the last fetch is done) are spread over more rows
      maxBytesPerPartition: MAX_FETCH_BYTES_PER_PARTITION,
      maxBytes: 4 * MAX_FETCH_BYTES_PER_PARTITION,
      // a crash is answered here (onFailure), never by kafkajs restarting the consumer itself
      retry: { ...CONSUMER_RETRY, restartOnFailure: async () => false },
    });
    const producers = new PartitionProducers({
      kafka,
      admin,
      group,
      logger,
      onClaimed: (milliseconds) =>
        this.options.stats.record({ claims: 1, claimMilliseconds: milliseconds }),
    });
    this.admin = admin;
    this.consumer = consumer;
    this.producers = producers;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (this.consumer !== consumer) return;
      this.currentAssignment = payload.memberAssignment;
      this.joined = true;
      logger.info('joined group', { group, assignment: payload.memberAssignment });
      this.backOnline();
      void producers.retainOnly(payload.memberAssignment);
      for (const key of this.held.keys()) {
        const [topic, partition] = key.split('\u0000') as [string, string];
        if (!payload.memberAssignment[topic]?.includes(Number(partition))) this.held.delete(key);
      }
      void this.claimAssigned(producers, payload.memberAssignment);
    });
    consumer.on(consumer.events.REBALANCING, () => logger.info('group is rebalancing', { group }));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer !== consumer) return;
      logger.debug('consumer crashed', { error: payload.error.message });
      this.onFailure(payload.error);
    });
    const windowTopics = this.windowTopics;
    const steps = [
      () => admin.connect(),
      async () => {
        if (windowTopics) {
          this.sourcePartitions = await ensureWindowTopics(admin, windowTopics, inputTopic);
        }
        const [input] = (await admin.fetchTopicMetadata({ topics: [inputTopic] })).topics;
        await ensureCountersTopic(admin, this.countersTopic, input?.partitions.length ?? 1);
      },
      () => consumer.connect(),
      () =>
        consumer.subscribe({
          topics: windowTopics ? [inputTopic, windowTopics.repartition] : [inputTopic],
          fromBeginning: true,
        }),
      () =>
        consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: PARTITIONS_IN_FLIGHT,
          eachBatch: (payload) => this.processBatch(payload, consumer, producers),
        }),
    ];
    for (const step of steps) {
      // stopped (or replaced) meanwhile: these clients were closed, keep them so
      if (this.consumer !== consumer) {
        await Promise.all([consumer.disconnect(), admin.disconnect()]).catch(() => undefined);
        return;
      }
      await step();
    }
  }

  /** A failure of the consumer: a lost broker is waited out, anything else ends the worker. */
  private onFailure(error: Error): void {
    if (this.stopping) return;
    if (!isBrokerLoss(error)) {
      const { inputTopic, outputTopic } = this.options;
      this.options.onFatal(
        new EnvironmentError(
          `processing ${inputTopic} → ${outputTopic} stopped: ${error.message} — check the brokers and both topics`,
          { cause: error },
        ),
      );
      return;
    }
    this.brokerLost(error);
    this.scheduleReconnect();
  }

  /** Enters `reconnecting`, logging it once per outage. */
  private brokerLost(error: Error): void {
    this.joined = false;
    if (this.lostSince !== null) return;
    this.lostSince = Date.now();
    const { brokers, reconnectTimeoutMs } = this.options;
    this.options.logger.warn('lost the broker; reconnecting until it is back', {
      brokers: brokers.join(','),
      error: error.message,
      giveUpAfterSeconds: reconnectTimeoutMs === null ? 'never' : reconnectTimeoutMs / 1000,
    });
  }

  /** Leaves `reconnecting` once the broker took a transaction or the group took us back. */
  private backOnline(): void {
    if (this.lostSince === null) return;
    const seconds = (Date.now() - this.lostSince) / 1000;
    this.lostSince = null;
    this.backoff.reset();
    this.options.logger.info('the broker is back; running again', {
      reconnectingSeconds: Math.round(seconds * 10) / 10,
    });
  }

  /**
   * A batch that failed for a lost broker starts over with new clients at once, rather than
   * after the consumer's own retries; true when it was that. A batch of clients already
   * replaced failed because they were closed: nothing to notice.
   */
  private noticeBrokerLoss(error: unknown, producers: PartitionProducers): boolean {
    if (this.stopping || producers !== this.producers || !isBrokerLoss(error)) return false;
    this.brokerLost(error as Error);
    this.scheduleReconnect();
    return true;
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== null || this.stopping) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.reconnect();
    }, this.backoff.next());
  }

  /** One attempt: new clients, the topics checked, the group joined (or another attempt later). */
  private async reconnect(): Promise<void> {
    if (this.stopping || this.lostSince === null) return;
    const { brokers, reconnectTimeoutMs } = this.options;
    const lostFor = Date.now() - this.lostSince;
    if (reconnectTimeoutMs !== null && lostFor >= reconnectTimeoutMs) {
      this.options.onFatal(
        new EnvironmentError(
          `the broker ${brokers.join(',')} has been unreachable for ${Math.round(lostFor / 1000)} s (--reconnect-timeout) — start it, or raise --reconnect-timeout`,
        ),
      );
      return;
    }
    // the producers first: a batch stuck in a transaction fails fast and lets the consumer go
    await this.disconnect('producers first');
    if (this.stopping) return;
    try {
      await this.checkTopics('after an outage');
      if (this.stopping) return;
      await this.connect();
    } catch (error) {
      if (this.stopping) return;
      if (error instanceof InputError) this.options.onFatal(error);
      else if (isBrokerLoss(error) || error instanceof EnvironmentError) this.scheduleReconnect();
      else this.onFailure(error as Error);
    }
  }

  /**
   * Closes the consumer, the partition producers and the admin client. The consumer first lets
   * the batch in progress commit or abort; the producers first cut it short.
   */
  private async disconnect(order: 'consumer first' | 'producers first'): Promise<void> {
    const { consumer, producers, admin } = this;
    this.joined = false;
    this.consumer = null;
    this.producers = null;
    this.admin = null;
    if (producers && order === 'producers first') await producers.closeAll();
    if (consumer) await consumer.disconnect().catch(() => undefined);
    if (producers && order === 'consumer first') await producers.closeAll();
    if (admin) await admin.disconnect().catch(() => undefined);
    this.currentAssignment = {};
  }

  /** Leaves the group after the batch in progress has committed or aborted its transaction. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await this.disconnect('consumer first');
  }

  /** Both topics exist; a missing one ends the worker, said as deleted after an outage. */
  private async checkTopics(when: 'at start' | 'after an outage'): Promise<void> {
    const { brokers, inputTopic, outputTopic } = this.options;
    let existing: Set<string>;
    try {
      existing = new Set(await withAdmin(brokers, (admin) => admin.listTopics()));
    } catch (error) {
      if (isUserError(error)) throw error;
      throw new EnvironmentError(
        `brokers ${brokers.join(',')} are not reachable (${(error as Error).message}) — start the broker or check --brokers`,
        { cause: error },
      );
    }
    for (const [flag, topic] of [
      ['--input', inputTopic],
      ['--output', outputTopic],
    ]) {
      if (existing.has(topic)) continue;
      if (when === 'at start') {
        throw new InputError(
          `topic ${topic} (${flag}) does not exist on ${brokers.join(',')} — create it first (parquet-streamer topic create ${topic})`,
        );
      }
      throw new InputError(
        `topic ${topic} (${flag}) was deleted from ${brokers.join(',')} while the worker ran — recreate it (parquet-streamer topic create ${topic}) and start the worker again`,
      );
    }
  }

  /**
   * One batch, with the producers of the consumer that fetched it. A consumer already replaced
   * (the broker was lost meanwhile) processes nothing: its partitions may be another's now.
   */
  private async processBatch(
    { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload,
    consumer: Consumer,
    producers: PartitionProducers,
  ): Promise<void> {
    if (consumer !== this.consumer) {
      void consumer.disconnect().catch(() => undefined);
      return;
    }
    if (!isRunning() || isStale()) return;
    const { group, stats, logger } = this.options;
    let claim: PartitionClaim;
    try {
      claim = await producers.claim(batch.topic, batch.partition);
    } catch (error) {
      this.noticeBrokerLoss(error, producers);
      throw error;
    }
    // input below the offset read after the fence was committed by an earlier owner
    const first = batch.firstOffset();
    const messages =
      first !== null && BigInt(first) >= claim.nextOffset
        ? batch.messages
        : batch.messages.filter((message) => BigInt(message.offset) >= claim.nextOffset);
    if (messages.length === 0) {
      resolveOffset(batch.lastOffset());
      await heartbeat();
      return;
    }
    const tally = this.options.transform.newTally();
    const work =
      batch.topic === this.windowTopics?.repartition
        ? await this.windowWork(claim, messages, tally)
        : this.rowWork(claim, messages, tally);
    const nextOffset = BigInt(batch.lastOffset()) + 1n;
    const counted = addCounts(await this.countsOf(claim), {
      rowsIn: work.rowsIn,
      rowsOut: work.rowsOut,
      rowsDropped: work.dropped,
      transactions: 1,
      steps: tally,
    });
    const transaction = await claim.producer.transaction();
    try {
      // few Produce requests for the outputs and the counters record, each below the size limit
      const sends = [
        ...work.sends,
        {
          topic: this.countersTopic,
          messages: [
            { key: batch.topic, value: JSON.stringify(counted), partition: batch.partition },
          ],
        },
      ];
      for (const topicMessages of sendChunks(sends)) await transaction.sendBatch({ topicMessages });
      const offset = {
        partition: batch.partition,
        offset: nextOffset.toString(),
        metadata: work.offsetMetadata ?? null,
      };
      await transaction.sendOffsets({
        consumerGroupId: group,
        topics: [{ topic: batch.topic, partitions: [offset] }],
      });
      await transaction.commit();
    } catch (error) {
      stats.record({ aborts: 1 });
      // read the committed totals again: a failed commit may have completed after all
      this.held.delete(heldKey(batch.topic, batch.partition));
      // the window state took the batch in: rebuild it from the changelog next time
      if (batch.topic === this.windowTopics?.repartition) this.windowStates.delete(batch.partition);
      await this.abort(claim, transaction, error);
      if (isFencing(error)) {
        logger.warn('partition moved to another worker; rejoining the group', {
          partition: batch.partition,
          transactionalId: claim.transactionalId,
        });
        throw rejoinError(`partition ${batch.partition} was claimed by another worker`, error);
      }
      if (!this.noticeBrokerLoss(error, producers)) {
        logger.warn('transaction failed; aborting, the batch will be delivered again', {
          partition: batch.partition,
          firstOffset: batch.firstOffset(),
          error: (error as Error).message,
        });
      }
      throw error;
    }
    if (producers === this.producers) this.backOnline();
    claim.nextOffset = nextOffset;
    this.held.set(heldKey(batch.topic, batch.partition), {
      claim,
      counts: Promise.resolve(counted),
      settled: counted,
    });
    work.onCommitted?.();
    resolveOffset(batch.lastOffset());
    stats.record(
      { rowsIn: work.rowsIn, rowsOut: work.rowsOut, rowsDropped: work.dropped, transactions: 1 },
      tally,
    );
    await heartbeat();
  }

  /**
   * Claims the partitions of a new assignment and restores their committed totals in one read,
   * so /stats shows them before (or without) another batch. A failure here is retried by the
   * first batch of the partition.
   */
  private async claimAssigned(
    producers: PartitionProducers,
    assignment: Record<string, number[]>,
  ): Promise<void> {
    try {
      const claims = await Promise.all(
        Object.entries(assignment).flatMap(([topic, partitions]) =>
          partitions.map((partition) => producers.claim(topic, partition)),
        ),
      );
      const fresh = claims.filter(
        (claim) => this.held.get(heldKey(claim.topic, claim.partition))?.claim !== claim,
      );
      if (fresh.length > 0) await Promise.all(this.restoreCounts(fresh));
    } catch (error) {
      this.options.logger.debug('could not claim the assigned partitions yet', {
        error: (error as Error).message,
      });
    }
  }

  /** The claimed partition's committed totals, restored the first time after a claim or abort. */
  private countsOf(claim: PartitionClaim): Promise<CommittedCounts> {
    const held = this.held.get(heldKey(claim.topic, claim.partition));
    if (held && held.claim === claim) return held.counts;
    return this.restoreCounts([claim])[0]!;
  }

  /**
   * Reads the claims' counters partitions to their end, read_committed. Each claim fenced every
   * earlier writer of its partition, so the latest record of its key is final.
   */
  private restoreCounts(claims: PartitionClaim[]): Promise<CommittedCounts>[] {
    const read = readCommittedPartitions(
      this.options.kafka,
      this.admin!,
      this.countersTopic,
      claims.map((claim) => claim.partition),
    );
    return claims.map((claim) => {
      const key = heldKey(claim.topic, claim.partition);
      const zero = zeroCounts(this.options.transform.newTally());
      const held: HeldCounts = {
        claim,
        counts: read.then((entries) => {
          const saved = latestCounts(entries.get(claim.partition) ?? []).get(claim.topic);
          return saved ? addCounts(zero, saved) : zero;
        }),
        settled: null,
      };
      this.held.set(key, held);
      held.counts.then(
        (counts) => (held.settled = counts),
        () => {
          if (this.held.get(key) === held) this.held.delete(key);
        },
      );
      return held.counts;
    });
  }

  /**
   * An input batch: the row steps, to the output topic or, before a window, to repartition with
   * the input partition's stream time (as rows' headers, in markers, and committed as metadata).
   */
  private rowWork(claim: PartitionClaim, messages: KafkaMessage[], tally: StepTally): BatchWork {
    const held = this.windowTopics ? this.sourceClocks.get(claim.partition) : undefined;
    const committed =
      held?.claim === claim
        ? held.clock
        : SourceClock.restore(claim.partition, claim.committedMetadata);
    // a copy moves with the batch; it replaces the committed clock only once the batch commits
    const clock = this.windowTopics ? new SourceClock(claim.partition, committed.streamTime) : null;
    const { outputs, dropped } = transformMessages(
      this.options.transform,
      messages,
      tally,
      clock,
      this.readRow,
    );
    const topic = this.windowTopics?.repartition ?? this.options.outputTopic;
    const moved = clock !== null && clock.streamTime !== committed.streamTime;
    return {
      sends: [
        { topic, messages: outputs },
        ...(moved ? [{ topic, messages: clock.markers(this.sourcePartitions) }] : []),
      ],
      rowsIn: messages.length,
      rowsOut: this.windowTopics ? 0 : outputs.length,
      dropped,
      offsetMetadata: clock?.metadata(),
      onCommitted: clock
        ? () => this.sourceClocks.set(claim.partition, { claim, clock })
        : undefined,
    };
  }

  /** A repartition batch: the window and the steps after it; the state's changes to the changelog. */
  private async windowWork(
    claim: PartitionClaim,
    messages: KafkaMessage[],
    tally: StepTally,
  ): Promise<BatchWork> {
    const window = this.options.transform.window!;
    const { changelog } = this.windowTopics!;
    const state = await this.windowState(claim, window, changelog);
    const { outputs, changes } = windowMessages(window, state, messages, tally);
    return {
      sends: [
        { topic: this.options.outputTopic, messages: outputs },
        {
          topic: changelog,
          messages: changes.map((change) => ({ ...change, partition: claim.partition })),
        },
      ],
      rowsIn: 0,
      rowsOut: outputs.length,
      dropped: 0,
    };
  }

  /**
   * The partition's window state, restored from its changelog partition the first time after a
   * claim or an aborted batch. The claim fenced every earlier writer, so the changelog read
   * read_committed up to its end is complete.
   */
  private async windowState(
    claim: PartitionClaim,
    window: WindowStage,
    changelog: string,
  ): Promise<WindowState> {
    const held = this.windowStates.get(claim.partition);
    if (held && held.claim === claim) return held.state;
    const entries = await readChangelogPartition(
      this.options.kafka,
      this.admin!,
      changelog,
      claim.partition,
    );
    const state = window.operator.restore(entries, this.sourcePartitions);
    this.windowStates.set(claim.partition, { claim, state });
    this.options.logger.info('restored window state', {
      partition: claim.partition,
      entries: entries.length,
      openWindows: state.openWindows,
    });
    return state;
  }

  /**
   * Aborts a failed transaction. A producer that was fenced or cannot abort is dropped: the next
   * batch of its partition claims the partition again, which aborts whatever is still open.
   */
  private async abort(
    claim: PartitionClaim,
    transaction: { abort(): Promise<void>; isActive(): boolean },
    cause: unknown,
  ): Promise<void> {
    let dropped = isFencing(cause);
    if (!dropped) {
      try {
        if (transaction.isActive()) await transaction.abort();
      } catch (abortError) {
        this.options.logger.warn('could not abort the transaction; claiming the partition anew', {
          partition: claim.partition,
          error: (abortError as Error).message,
        });
        dropped = true;
      }
    }
    if (dropped) await this.producers?.drop(claim);
  }
}
