// Child process of the latency benchmark: a read_committed consumer of the output topic that
// notes when each source.row became readable. It runs apart from the producer, whose main thread
// would otherwise delay its fetches, and fetches up to 16 MiB per partition, so that what it
// measures is the processor and the broker, not itself falling behind.
// Usage: fork dist/bench/readableChild.js BROKERS TOPIC; it sends "ready" once it is consuming;
// answer "report" and it waits until nothing new arrives for a second, then sends the
// rows and their times and exits.
import { createKafka } from '../main/broker/kafkaClient';
import { SOURCE_ROW_HEADER } from '../main/shared/sourceHeaders';

export interface ReadableReport {
  rows: number[];
  /** when each of `rows` became readable (ms since the epoch) */
  at: number[];
}

const QUIET_MS = 1_000;

async function main(brokers: string, topic: string): Promise<void> {
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'bench-readable' });
  const consumer = kafka.consumer({
    groupId: `bench-readable-${process.pid}-${Date.now()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 16 << 20,
    maxBytes: 64 << 20,
  });
  const report: ReadableReport = { rows: [], at: [] };
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const message of batch.messages) {
        report.rows.push(Number(message.headers?.[SOURCE_ROW_HEADER]?.toString()));
        report.at.push(now);
      }
    },
  });
  // the bench ended without asking for the report (stopped, failed): end with it
  process.on('disconnect', () => process.exit(1));
  process.send?.('ready');
  process.on('message', async (message) => {
    if (message !== 'report') return;
    for (let seen = -1; seen !== report.rows.length;) {
      seen = report.rows.length;
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    }
    await consumer.disconnect();
    process.send?.(report, () => process.exit(0));
  });
}

main(process.argv[2]!, process.argv[3]!).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
