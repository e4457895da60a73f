// The worker's stream processor: a consumer-group member that reads the input topic, runs the
// transform handed to it over each batch and writes the output topic exactly once. Each batch of one input
// partition is one Kafka transaction holding the output records and the consumed input offset
// (sendOffsets); on any failure the transaction is aborted and, since nothing was resolved, the
// batch is fetched again. The batch's per-step counts reach the stats only once it committed.
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
import type {
  Admin,
  Consumer,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  Message,
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
  /** what to do to each row */
  transform: CompiledTransform;
  stats: WorkerStats;
  logger: Logger;
  /** called when the processor cannot go on (crashed without restart, could not abort) */
  onFatal: (error: Error) => void;
}

/** The headers every output record carries over from its input record. */
const PASSED_HEADERS = [SOURCE_FILE_HEADER, SOURCE_ROW_HEADER];

const CRASH_WINDOW_MS = 60_000;
const MAX_CRASHES_PER_WINDOW = 3;

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

function passedHeaders(headers: IHeaders | undefined): IHeaders {
  const kept: IHeaders = {};
  for (const name of PASSED_HEADERS) {
    const value = headers?.[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/** The record value as a row, or null when it is not a JSON object. */
function parseRow(value: Buffer | null): Row | null {
  if (value === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Row)
    : null;
}

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
): { outputs: Message[]; dropped: number } {
  const keyFields = transform.window?.operator.keyFields ?? null;
  const outputs: Message[] = [];
  let dropped = 0;
  for (const message of messages) {
    const row = parseRow(message.value);
    if (row === null) {
      const first = tally[0];
      if (first) {
        first.in++;
        first.errors++;
      }
      dropped++;
      continue;
    }
    const rows = transform.head.run([row], tally);
    if (rows.length === 0) dropped++;
    const headers = passedHeaders(message.headers);
    const operator = transform.window?.operator;
    for (const out of rows)
      outputs.push({
        key: keyFields ? windowKeyOf(out, keyFields) : message.key,
        value: JSON.stringify(out),
        headers:
          clock && operator ? { ...headers, ...clock.headersOf(operator.eventTime(out)) } : headers,
      });
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
    const row = parseRow(message.value);
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
  private recentCrashes: number[] = [];
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

  constructor(private readonly options: ProcessorOptions) {
    this.windowTopics = options.transform.window
      ? windowTopicNames(options.group, options.transform.name)
      : null;
    this.countersTopic = countersTopicName(options.group);
  }

  /** true once the consumer has joined the group and holds an assignment */
  isConsuming(): boolean {
    return this.joined && this.consumer !== null;
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
    const { kafka, logger, group, inputTopic, outputTopic, sessionTimeoutMs } = this.options;
    await this.checkTopics();
    const admin = kafka.admin();
    const consumer = kafka.consumer({
      groupId: group,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeoutMs / 5)),
      readUncommitted: false,
      allowAutoTopicCreation: false,
      // a short long-poll so that leaving the group on SIGTERM does not wait for an idle fetch
      maxWaitTimeInMs: 500,
      retry: { retries: 8, restartOnFailure: async () => this.mayRestartConsumer() },
    });
    const producers = new PartitionProducers({ kafka, admin, group, logger });
    this.admin = admin;
    this.consumer = consumer;
    this.producers = producers;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.currentAssignment = payload.memberAssignment;
      this.joined = true;
      logger.info('joined group', { group, assignment: payload.memberAssignment });
      void producers.retainOnly(payload.memberAssignment);
      for (const key of this.held.keys()) {
        const [topic, partition] = key.split('\u0000') as [string, string];
        if (!payload.memberAssignment[topic]?.includes(Number(partition))) this.held.delete(key);
      }
      void this.claimAssigned(producers, payload.memberAssignment);
    });
    consumer.on(consumer.events.REBALANCING, () => logger.info('group is rebalancing', { group }));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      logger.error('consumer crashed', { error: payload.error.message, restart: payload.restart });
      if (payload.restart) return;
      this.options.onFatal(
        new EnvironmentError(
          `processing ${inputTopic} → ${outputTopic} stopped: ${payload.error.message} — check the brokers and both topics`,
          { cause: payload.error },
        ),
      );
    });
    await admin.connect();
    if (this.windowTopics)
      this.sourcePartitions = await ensureWindowTopics(admin, this.windowTopics, inputTopic);
    const [input] = (await admin.fetchTopicMetadata({ topics: [inputTopic] })).topics;
    await ensureCountersTopic(admin, this.countersTopic, input?.partitions.length ?? 1);
    await consumer.connect();
    await consumer.subscribe({
      topics: this.windowTopics ? [inputTopic, this.windowTopics.repartition] : [inputTopic],
      fromBeginning: true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.processBatch(payload),
    });
    logger.info('consuming', { group, inputTopic, outputTopic });
  }

  /** kafkajs restarts a crashed consumer; a few times a minute, not in a tight loop forever. */
  private mayRestartConsumer(now = Date.now()): boolean {
    this.recentCrashes = this.recentCrashes.filter((at) => now - at < CRASH_WINDOW_MS);
    this.recentCrashes.push(now);
    return this.recentCrashes.length <= MAX_CRASHES_PER_WINDOW;
  }

  /** Leaves the group after the batch in progress has committed or aborted its transaction. */
  async stop(): Promise<void> {
    const { consumer, producers, admin } = this;
    this.joined = false;
    this.consumer = null;
    this.producers = null;
    this.admin = null;
    if (consumer) await consumer.disconnect();
    if (producers) await producers.closeAll();
    if (admin) await admin.disconnect();
    this.currentAssignment = {};
  }

  private async checkTopics(): Promise<void> {
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
      if (!existing.has(topic)) {
        throw new InputError(
          `topic ${topic} (${flag}) does not exist on ${brokers.join(',')} — create it first (parquet-streamer topic create ${topic})`,
        );
      }
    }
  }

  private async processBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const producers = this.producers;
    if (!producers || !isRunning() || isStale()) return;
    const { group, stats, logger } = this.options;
    const claim = await producers.claim(batch.topic, batch.partition);
    // input below the offset read after the fence was committed by an earlier owner
    const messages = batch.messages.filter((message) => BigInt(message.offset) >= claim.nextOffset);
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
      for (const send of work.sends) if (send.messages.length > 0) await transaction.send(send);
      await transaction.send({
        topic: this.countersTopic,
        messages: [
          { key: batch.topic, value: JSON.stringify(counted), partition: batch.partition },
        ],
      });
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
      logger.warn('transaction failed; aborting, the batch will be delivered again', {
        partition: batch.partition,
        firstOffset: batch.firstOffset(),
        error: (error as Error).message,
      });
      throw error;
    }
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
    const { outputs, dropped } = transformMessages(this.options.transform, messages, tally, clock);
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
