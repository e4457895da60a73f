// The chart feed's consumer of the output topic, in a thread of its own (outputFetcher.ts starts
// it). In the engine's main thread its fetches waited behind the producer's work and garbage
// collection: a consumer there received rows 0.2–0.3 s later (p50) than one in a process of its
// own. Here it fetches (read_committed), plans each batch with catchUp (what the windows can
// still hold), seeks over the rest, and hands the main thread the values to parse.
import { parentPort, workerData } from 'node:worker_threads';
import { useClusterSecurity } from '../broker/clusterSecurity';
import { createKafka } from '../broker/kafkaClient';
import type { Logger } from '../shared/logger';
import { SOURCE_ROW_HEADER } from '../shared/sourceHeaders';
import { catchUp } from './catchUp';
import type {
  FetchedRows,
  FromOutputFetch,
  OutputFetchConfig,
  ToOutputFetch,
} from './outputFetcher';

const port = parentPort;
if (!port) throw new Error('outputFetchThread.js must run in a worker thread');
const post = (message: FromOutputFetch) => port.postMessage(message);
const config = workerData as OutputFetchConfig;
/** kafkajs fetches 1 MiB per partition by default; a broker still returns at least one batch */
const FETCH_BYTES_PER_PARTITION = 128 * 1024;
useClusterSecurity(config.security);

/** kafkajs' log lines go to the main thread's logger (component: below it, '' for itself). */
function forwardingLogger(component: string): Logger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>) =>
      post({ kind: 'log', level, component, message, fields });
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (sub) => forwardingLogger(component ? `${component}.${sub}` : sub),
  };
}

/** The newest source.row of some messages, or null. */
function newestSourceRow(
  headers: (Buffer | string | (Buffer | string)[] | undefined)[],
): number | null {
  let newest: number | null = null;
  for (const header of headers) {
    const row = Number((Array.isArray(header) ? header[0] : header)?.toString());
    if (Number.isInteger(row) && (newest === null || row > newest)) newest = row;
  }
  return newest;
}

let keep = config.keep;
const consumer = createKafka({
  brokers: config.brokers,
  clientId: 'parquet-streamer-chart',
  logger: forwardingLogger(''),
}).consumer({
  groupId: config.groupId,
  readUncommitted: false,
  // how long a fetch with nothing new waits before asking again: rows become readable
  // (read_committed) when a transaction's markers are written, and a waiting fetch was seen
  // to return only at the end of its wait, so the wait adds to every chart's latency. The
  // charts bench, three alternating runs each: produce → render p50 0.74–1.52 s at 250 ms,
  // 0.41–0.77 s at 50 ms (p99 alike, 1.5–2.5 s)
  maxWaitTimeInMs: 50,
  sessionTimeout: 10_000,
  allowAutoTopicCreation: false,
  // small fetches: a lagging feed learns the end offsets and seeks before decoding much
  maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
});

port.on('message', (message: ToOutputFetch) => {
  if (message.kind === 'keep') keep = message.rows;
  else void consumer.disconnect().finally(() => post({ kind: 'stopped' }));
});

async function consume(): Promise<void> {
  await consumer.connect();
  // Partitions with no committed offset were created after the start: all of their rows are new.
  await consumer.subscribe({ topic: config.topic, fromBeginning: true });
  await consumer.run({
    // nothing reads this group's offsets after the start: a seek only moves the fetch position
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const arrivedAt = Date.now();
      const { messages, topic, partition } = batch;
      const plan = catchUp(
        {
          messages: messages.length,
          lastOffset: Number(batch.lastOffset()),
          highWatermark: Number(batch.highWatermark),
        },
        keep,
      );
      if (plan.seekTo !== null) consumer.seek({ topic, partition, offset: String(plan.seekTo) });
      const read = messages.slice(plan.parseFrom);
      const rows: FetchedRows = {
        kind: 'rows',
        arrivedAt,
        skipped: plan.skipped,
        seeked: plan.seekTo !== null,
        values: read.map((message) => message.value?.toString() ?? null),
        newestSourceRow: newestSourceRow(
          read.map((message) => message.headers?.[SOURCE_ROW_HEADER]),
        ),
      };
      post(rows);
    },
  });
  post({ kind: 'consuming' });
}

consume().catch((error: unknown) =>
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
);
