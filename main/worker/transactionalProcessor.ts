// The worker's stream processor: a consumer-group member that reads the input topic,
// transforms each batch and writes the output topic exactly once. Each batch is one Kafka
// transaction holding the output records and the consumed input offsets (sendOffsets); on any
// failure the transaction is aborted and, since nothing was resolved, the batch is fetched again.
//
// The transactionalId is stable per worker (`<group>.<workerId>`), so a restarted worker fences
// its killed predecessor and aborts the transaction that one left open.
//
// Limit: kafkajs speaks the pre-KIP-447 protocol (TxnOffsetCommit without the group generation,
// OffsetFetch without require_stable), so different workers do not fence each other. A rebalance
// cannot move a partition while its owner is inside a batch (kafkajs rejoins only after the batch,
// and the group waits for every member), so a batch is processed twice only if its owner was
// expelled mid-batch (frozen longer than the session timeout) or a new owner reads the offset in
// the milliseconds before the broker writes the previous commit's markers.
import type { Consumer, EachBatchPayload, IHeaders, Kafka, Message, Producer } from 'kafkajs';
import { withAdmin } from '../broker/topicAdmin';
import { EnvironmentError, InputError, isUserError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { transformBoroughRow } from './boroughTransform';
import type { Service } from './service';
import type { WorkerStats } from './workerStats';

export interface ProcessorOptions {
  kafka: Kafka;
  brokers: string[];
  group: string;
  workerId: string;
  inputTopic: string;
  outputTopic: string;
  sessionTimeoutMs: number;
  stats: WorkerStats;
  logger: Logger;
  /** called when the processor cannot go on (fenced, crashed without restart) */
  onFatal: (error: Error) => void;
}

/** The headers every output record carries over from its input record. */
const PASSED_HEADERS = ['source.file', 'source.row'];

const CRASH_WINDOW_MS = 60_000;
const MAX_CRASHES_PER_WINDOW = 3;

const FENCING_ERRORS = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

function isFencing(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (FENCING_ERRORS.has((cause as Error & { type?: string }).type ?? '')) return true;
  }
  return false;
}

function passedHeaders(headers: IHeaders | undefined): IHeaders {
  const kept: IHeaders = {};
  for (const name of PASSED_HEADERS) {
    const value = headers?.[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

function parseRow(value: Buffer | null): unknown {
  if (value === null) return null;
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
}

export class TransactionalProcessor implements Service {
  readonly name = 'stream-processor';
  readonly transactionalId: string;
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private joined = false;
  private currentAssignment: Record<string, number[]> = {};
  private recentCrashes: number[] = [];

  constructor(private readonly options: ProcessorOptions) {
    this.transactionalId = `${options.group}.${options.workerId}`;
  }

  /** true once the consumer has joined the group and holds an assignment */
  isConsuming(): boolean {
    return this.joined && this.consumer !== null;
  }

  assignment(): Record<string, number[]> {
    return this.currentAssignment;
  }

  async start(): Promise<void> {
    const { kafka, logger, group, inputTopic, outputTopic, sessionTimeoutMs } = this.options;
    await this.checkTopics();
    const producer = kafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
      // the broker answers CONCURRENT_TRANSACTIONS while the previous commit's markers are being
      // written; retrying after a few milliseconds instead of 200 keeps batches flowing
      retry: { initialRetryTime: 20, maxRetryTime: 2_000, retries: 12 },
    });
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
    this.producer = producer;
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.currentAssignment = payload.memberAssignment;
      this.joined = true;
      logger.info('joined group', { group, assignment: payload.memberAssignment });
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
    // Connecting a transactional producer fences an earlier worker with the same transactionalId.
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: inputTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.processBatch(payload),
    });
    logger.info('consuming', {
      group,
      inputTopic,
      outputTopic,
      transactionalId: this.transactionalId,
    });
  }

  /** kafkajs restarts a crashed consumer; a few times a minute, not in a tight loop forever. */
  private mayRestartConsumer(now = Date.now()): boolean {
    this.recentCrashes = this.recentCrashes.filter((at) => now - at < CRASH_WINDOW_MS);
    this.recentCrashes.push(now);
    return this.recentCrashes.length <= MAX_CRASHES_PER_WINDOW;
  }

  /** Leaves the group after the batch in progress has committed or aborted its transaction. */
  async stop(): Promise<void> {
    const { consumer, producer } = this;
    this.joined = false;
    this.consumer = null;
    this.producer = null;
    if (consumer) await consumer.disconnect();
    if (producer) await producer.disconnect();
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
    const producer = this.producer;
    if (!producer || !isRunning() || isStale()) return;
    const { group, outputTopic, stats, logger } = this.options;
    const outputs: Message[] = [];
    for (const message of batch.messages) {
      const row = transformBoroughRow(parseRow(message.value));
      if (row === null) continue;
      outputs.push({
        key: message.key,
        value: JSON.stringify(row),
        headers: passedHeaders(message.headers),
      });
    }
    const nextOffset = (BigInt(batch.lastOffset()) + 1n).toString();
    const transaction = await producer.transaction();
    try {
      if (outputs.length > 0) await transaction.send({ topic: outputTopic, messages: outputs });
      await transaction.sendOffsets({
        consumerGroupId: group,
        topics: [
          { topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset }] },
        ],
      });
      await transaction.commit();
    } catch (error) {
      stats.record({ aborts: 1 });
      logger.warn('transaction failed; aborting, the batch will be delivered again', {
        partition: batch.partition,
        firstOffset: batch.firstOffset(),
        error: (error as Error).message,
      });
      await this.abort(transaction, error);
      throw error;
    }
    resolveOffset(batch.lastOffset());
    stats.record({
      rowsIn: batch.messages.length,
      rowsOut: outputs.length,
      rowsDropped: batch.messages.length - outputs.length,
      transactions: 1,
    });
    await heartbeat();
  }

  private async abort(
    transaction: { abort(): Promise<void>; isActive(): boolean },
    cause: unknown,
  ): Promise<void> {
    try {
      if (transaction.isActive()) await transaction.abort();
    } catch (abortError) {
      this.options.logger.error('could not abort the transaction', {
        error: (abortError as Error).message,
      });
      this.options.onFatal(abortError as Error);
      return;
    }
    if (isFencing(cause))
      this.options.onFatal(
        new EnvironmentError(
          `worker ${this.options.workerId} was fenced: another worker uses transactionalId ${this.transactionalId} — give each worker its own --worker-id`,
        ),
      );
  }
}
