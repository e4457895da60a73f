// What a run works from, found before the first row is sent: the dataset and its codecs, the
// topic (created when asked) and its limits, the delivery threads (connecting meanwhile), the
// stream lock, and the checkpoint — with the rows an interrupted run already delivered.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../broker/kafkaClient';
import { clusterSecurity } from '../broker/clusterSecurity';
import { connectionFailure } from '../broker/connectionFailure';
import { createTopic, partitionCount, topicExists } from '../broker/topicAdmin';
import { ParquetDataset } from '../parquet/parquetDataset';
import { RowCodec } from '../parquet/rowCodec';
import { defaultAppDataDir } from '../shared/appPaths';
import { EnvironmentError, InputError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { PidLockFile } from '../shared/pidLockFile';
import {
  checkpointFile,
  readCheckpoint,
  type Checkpoint,
  type StreamOrder,
} from './checkpointStore';
import { DeliveryPool } from './deliveryPool';
import { findDeliveredRows } from './deliveredRowScan';
import type { BatchBufferPool, ChunkLimits, SliceMark } from './messageChunk';
import type { ProduceOptions } from './parquetProducer';
import { createPartitioner, type Partitioner } from './partitioners';
import { PRODUCER_FLAGS } from './producerSettings';
import { randomSeed } from './rowShuffler';
import { StreamCheckpoints } from './streamCheckpoints';
import { readTopicMessageLimit } from './topicLimits';

/** Messages per chunk; large enough to amortise a request, small enough to pace smoothly. */
const MAX_MESSAGES_PER_CHUNK = 4_000;
/**
 * One delivery thread keeps up with the reader and codec (about 250-300k rows/s on 2 cores);
 * each further thread adds a JavaScript heap and its allocator's memory (~40 MiB).
 */
const DEFAULT_DELIVERY_THREADS = 1;
/** Leave room below max.message.bytes for the record batch header and size estimates. */
const PARTITION_BYTES_SHARE = 0.9;
const REQUEST_TIMEOUT_MS = 30_000;
/** One batch, retries and reconnections included (about two minutes of them), fails after this. */
export const SEND_DEADLINE_MS = 180_000;

export interface StreamPlan {
  dataset: ParquetDataset;
  codec: RowCodec;
  replayCodec: RowCodec | null;
  partitions: number;
  partitioner: Partitioner;
  order: StreamOrder;
  /** dataset rows [rangeStart, rangeEnd) are streamed */
  rangeStart: number;
  rangeEnd: number;
  startPosition: number;
  startSlice: SliceMark;
  /** rows a crashed earlier run already delivered at or after startPosition */
  skipRows: Set<number>;
  /** rows this run sends, as far as the plan knows (a shuffled resume may add some) */
  rowsTotal: number;
  chunkLimits: ChunkLimits;
  checkpoints: StreamCheckpoints;
  /** the delivery threads, connected */
  pool: DeliveryPool;
  /** held until the run ends: one producer at a time streams this dataset to this topic */
  lock: PidLockFile;
}

/**
 * Looks at the dataset, the topic and the checkpoint and connects the delivery threads; on a
 * failure, whatever it opened is closed again.
 */
export async function planStream(
  options: ProduceOptions,
  batchBuffers: BatchBufferPool,
  logger: Logger,
): Promise<StreamPlan> {
  const dataset = await ParquetDataset.open(options.path);
  const columns = dataset.schema.fields.map((field) => field.name);
  requireColumn(columns, options.keyColumn, 'keyColumn', options.path);
  requireColumn(columns, options.replayColumn, 'replayColumn', options.path);
  if (options.replayColumn && options.ratePerSecond) {
    throw new InputError('--rate and --replay-column both set the pace — choose one', {
      field: 'ratePerSecond',
    });
  }
  const codec = new RowCodec(dataset.schema, { timestamps: options.timestamps });
  const replayCodec = options.replayColumn
    ? new RowCodec(dataset.schema, { timestamps: 'epoch-ms' })
    : null;

  const partitions = await ensureTopic(options);
  // the delivery threads start and connect while the topic and checkpoint are examined
  const threads = Math.min(partitions, options.deliveryThreads ?? DEFAULT_DELIVERY_THREADS);
  const opening = DeliveryPool.open(
    {
      brokers: options.brokers,
      security: clusterSecurity(),
      topic: options.topic,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      sendDeadlineMs: SEND_DEADLINE_MS,
    },
    threads,
    (buffers) => batchBuffers.recycle(buffers),
  );
  opening.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled
  let lock: PidLockFile | null = null;
  try {
    const checkpointDir = options.checkpointDir ?? path.join(defaultAppDataDir(), 'checkpoints');
    const file = checkpointFile(checkpointDir, options.path, options.topic);
    const kafka = createKafka({
      brokers: options.brokers,
      clientId: 'parquet-streamer-producer',
      logger: logger.child('kafka'),
    });
    const maxMessageBytes = await readTopicMessageLimit(kafka, options.topic);
    lock = await holdStream(options, file, logger);
    const plan = await planRows(options, { dataset, kafka, maxMessageBytes, file }, logger);
    const pool = await opening.catch((error: unknown) => {
      throw isConnectionFailure(error) ? connectionFailure(options.brokers, error) : error;
    });
    return {
      ...plan,
      dataset,
      codec,
      replayCodec,
      partitions,
      partitioner: createPartitioner(options.partitioner ?? 'default', partitions),
      pool,
      lock,
    };
  } catch (error) {
    void opening.then(
      (pool) => pool.close(),
      () => undefined,
    );
    await lock?.release();
    throw error;
  }
}

/** Creates the topic when asked; returns its partition count. */
async function ensureTopic(options: ProduceOptions): Promise<number> {
  const { brokers, topic } = options;
  if (options.createTopic) {
    await createTopic(brokers, { topic, ...options.createTopic });
  } else if (!(await topicExists(brokers, topic))) {
    throw new InputError(
      `topic "${topic}" does not exist — add --create-topic --partitions N, ` +
        `or create it with \`parquet-streamer topic create ${topic} --partitions N\``,
    );
  }
  return partitionCount(brokers, topic);
}

/**
 * One producer at a time streams a dataset into a topic: a second one would share its
 * checkpoint, and its resume scan would count the first one's rows as delivered.
 */
async function holdStream(
  options: ProduceOptions,
  checkpoint: string,
  logger: Logger,
): Promise<PidLockFile> {
  const { path: dataset, topic } = options;
  try {
    await fs.mkdir(path.dirname(checkpoint), { recursive: true });
  } catch (error) {
    throw new EnvironmentError(
      `cannot create the checkpoint folder ${path.dirname(checkpoint)}: ${(error as Error).message} — choose a writable checkpoint folder`,
      { cause: error },
    );
  }
  const lock = new PidLockFile(
    checkpoint.replace(/\.json$/, '.lock'),
    (owner) =>
      new EnvironmentError(
        `another producer (process ${owner}) is streaming ${dataset} to topic ${topic} — wait for it to finish or stop it, then run again`,
      ),
    logger,
  );
  await lock.acquire();
  return lock;
}

type RowPlan = Pick<
  StreamPlan,
  | 'order'
  | 'rangeStart'
  | 'rangeEnd'
  | 'startPosition'
  | 'startSlice'
  | 'skipRows'
  | 'rowsTotal'
  | 'chunkLimits'
  | 'checkpoints'
>;

/** Reads the checkpoint, and finds what an interrupted run sent. */
async function planRows(
  options: ProduceOptions,
  found: { dataset: ParquetDataset; kafka: Kafka; maxMessageBytes: number; file: string },
  logger: Logger,
): Promise<RowPlan> {
  const { dataset, kafka, maxMessageBytes, file } = found;
  const previous = options.resume ? await readCheckpoint(file) : null;
  if (options.resume && !previous) {
    logger.info('no checkpoint to resume from; starting at the first row', { file });
  }
  const order = streamOrder(options, previous);
  const rangeStart = Math.min(order.offset, dataset.rows);
  const rangeEnd =
    order.limit === null ? dataset.rows : Math.min(dataset.rows, rangeStart + order.limit);
  const startPosition = previous ? previous.nextPosition : 0;
  const startSlice = previous ? previous.slice : { firstRow: rangeStart, position: 0 };

  const scan = await findDeliveredRows(
    kafka,
    {
      topic: options.topic,
      scanFrom: previous && !previous.complete ? offsetsMap(previous.scanFrom) : new Map(),
      files: new Set(dataset.files.map((entry) => entry.relativePath)),
    },
    logger,
  ).catch((error: unknown) => {
    throw isConnectionFailure(error) ? connectionFailure(options.brokers, error) : error;
  });
  // rows before the resume point are acknowledged already; a shuffled run's first slice
  // still holds some, removed when that slice's order is known
  const firstUnacked = order.shuffle ? startSlice.firstRow : rangeStart + startPosition;
  const skipRows = new Set<number>();
  if (previous && !previous.complete) {
    for (const row of scan.rows) {
      if (row >= firstUnacked && row < rangeEnd) skipRows.add(row);
    }
  }
  const totalRows = rangeEnd - rangeStart;
  const checkpoints = new StreamCheckpoints(
    file,
    {
      version: 1,
      dataset: path.resolve(options.path),
      topic: options.topic,
      order,
      rowsTotal: totalRows,
    },
    {
      rangeStart,
      shuffle: order.shuffle,
      skipRows,
      scanFromCarried: skipRows.size > 0 && previous ? previous.scanFrom : null,
      runStartOffsets: scan.endOffsets,
    },
  );
  const plan: RowPlan = {
    order,
    rangeStart,
    rangeEnd,
    startPosition,
    startSlice,
    skipRows,
    rowsTotal: previous?.complete ? 0 : totalRows - startPosition - skipRows.size,
    chunkLimits: {
      maxMessages: MAX_MESSAGES_PER_CHUNK,
      maxPartitionBytes: Math.floor(maxMessageBytes * PARTITION_BYTES_SHARE),
    },
    checkpoints,
  };
  if (previous?.complete) {
    logger.info('the checkpoint says this dataset was fully delivered; nothing to resume');
    plan.rangeEnd = plan.rangeStart;
    return plan;
  }
  if (skipRows.size > 0) {
    logger.info('rows already in the topic from the interrupted run are skipped', {
      rows: skipRows.size,
    });
  }
  // written before the first send: a crash from here on resumes from this run's state
  await checkpoints.writeNow(startPosition, startSlice);
  return plan;
}

function requireColumn(
  columns: string[],
  column: string | undefined,
  field: 'keyColumn' | 'replayColumn',
  datasetPath: string,
): void {
  if (column === undefined || columns.includes(column)) return;
  throw new InputError(
    `${PRODUCER_FLAGS[field]} "${column}" is not a column of ${datasetPath} — columns are: ${columns.join(', ')}`,
    { field },
  );
}

/** The stream order of this run: from the options, or from the checkpoint on --resume. */
function streamOrder(options: ProduceOptions, previous: Checkpoint | null): StreamOrder {
  const asked: StreamOrder = {
    offset: options.offset ?? 0,
    limit: options.limit ?? null,
    shuffle: options.shuffle ?? false,
    seed: options.shuffle ? (options.seed ?? null) : null,
  };
  if (!previous) return { ...asked, seed: asked.shuffle ? (asked.seed ?? randomSeed()) : null };
  const kept = previous.order;
  const conflicts = (['offset', 'limit', 'shuffle', 'seed'] as const).filter(
    (setting) => options[setting] !== undefined && options[setting] !== kept[setting],
  );
  if (conflicts.length > 0) {
    throw new InputError(
      `${conflicts.map((setting) => PRODUCER_FLAGS[setting]).join(', ')} differ from the interrupted run (offset ${kept.offset}, ` +
        `limit ${kept.limit ?? 'none'}, shuffle ${kept.shuffle}, seed ${kept.seed ?? 'none'}) — ` +
        'resume with the same options, or produce without --resume to start over',
      { field: conflicts[0] },
    );
  }
  return kept;
}

function offsetsMap(record: Record<string, string>): Map<number, bigint> {
  return new Map(
    Object.entries(record).map(([partition, offset]) => [Number(partition), BigInt(offset)]),
  );
}

function isConnectionFailure(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  return /Connection|NumberOfRetriesExceeded|BrokerNotFound|SASLAuthentication/.test(name);
}
