// Child process of the producer benchmark: streams one dataset with ParquetProducer and prints
// its summary and the process's peak resident memory as one JSON line on stdout.
// Usage: node dist/bench/produceChild.js '<ProduceOptions as JSON>'
import {
  ParquetProducer,
  type ProduceOptions,
  type ProduceProgress,
} from '../main/producer/parquetProducer';

export interface ChildReport {
  rowsAcked: number;
  seconds: number;
  rowsPerSecond: number;
  /** rows/s from the first acknowledgement to the last: the rate once streaming */
  steadyRowsPerSecond: number;
  peakRssBytes: number;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]) as ProduceOptions;
  const producer = new ParquetProducer(options);
  let firstAck: { at: number; rows: number } | null = null;
  producer.on('progress', (progress: ProduceProgress) => {
    if (firstAck === null && progress.rowsAcked > 0) {
      firstAck = { at: performance.now(), rows: progress.rowsAcked };
    }
  });
  const summary = await producer.run();
  const ended = performance.now();
  const first = firstAck as { at: number; rows: number } | null;
  const report: ChildReport = {
    rowsAcked: summary.rowsAcked,
    seconds: summary.seconds,
    rowsPerSecond: summary.rowsPerSecond,
    steadyRowsPerSecond:
      first && ended > first.at
        ? ((summary.rowsAcked - first.rows) * 1000) / (ended - first.at)
        : summary.rowsPerSecond,
    // maxRSS is in kilobytes: the high-water mark of the whole process, decoder thread included
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
