// `npm run bench -- producer`: the producer's figures, in one run on one broker:
//   (a) codec alone: Parquet → JSON rows/s
//   (b) Parquet → Kafka end to end with acks from all in-sync replicas: rows/s and MB/s
//   (c) Kafka's own ProducerPerformance with the same record count and average record size,
//       acks=all, and the ratio (b)/(c)
//   (d) peak RSS streaming a 1M-row and a 10M-row file
// When a target is missed it profiles the producer and prints where the time goes.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createTopic } from '../main/broker/topicAdmin';
import { javaCommand } from '../main/broker/javaToolchain';
import { benchBroker, type BenchBroker } from './benchBroker';
import { BENCH_DATA_DIR, demoDataset } from './benchDatasets';
import { measureCodecThroughput } from './codecThroughput';
import { summariseCpuProfile, type ProfileShare } from './cpuProfileSummary';
import type { ChildReport } from './produceChild';
import { withMallocTuning } from '../main/shared/mallocTuning';
import { figure, fmt, line, runProcess } from './benchOutput';

const PARTITIONS = 4;
const MB = 1_000_000;

const TARGETS = {
  codecRowsPerSecond: 1_000_000,
  ratioToJava: 0.5,
  /** the 300 MB, read strictly as 300 × 10^6 bytes (286 MiB) */
  peakRssBytes: 300 * MB,
  peakGrowth: 0.2,
};

interface JavaPerformance {
  records: number;
  recordsPerSecond: number;
  mbPerSecond: number;
  averageLatencyMs: number;
}

export async function runProducerBench(): Promise<void> {
  const small = await demoDataset(1_000_000);
  const large = process.env.PS_BENCH_SKIP_10M ? null : await demoDataset(10_000_000);
  const broker = await benchBroker();
  const checkpointDir = path.join(tmpdir(), `ps-bench-checkpoints-${process.pid}`);
  try {
    line(`broker: ${broker.description}`);
    line(`dataset: ${small} (1,000,000 rows), topics with ${PARTITIONS} partitions\n`);

    const codec = await measureCodecThroughput(small);
    const codecRate = codec.rowsPerSecond;
    const values = { rows: codec.rows, averageBytes: codec.bytes / codec.rows };
    figure(
      '(a) codec alone',
      `${fmt(codecRate)} rows/s`,
      codecRate >= TARGETS.codecRowsPerSecond,
      '≥ 1,000,000 rows/s',
    );
    line(
      `    average message value: ${values.averageBytes.toFixed(1)} bytes over ${fmt(values.rows)} rows`,
    );

    const ours = await produceInChild(broker, small, checkpointDir);
    const oursMb = (ours.rowsPerSecond * values.averageBytes) / MB;
    figure(
      '(b) Parquet → Kafka, acks=all',
      `${fmt(ours.rowsPerSecond)} rows/s, ${oursMb.toFixed(1)} MB/s of values ` +
        `(${fmt(ours.steadyRowsPerSecond)} rows/s once streaming; ${ours.seconds.toFixed(1)} s in all)`,
    );

    const java = await javaProducerPerformance(
      broker,
      values.rows,
      Math.round(values.averageBytes),
    );
    const ratio = ours.rowsPerSecond / java.recordsPerSecond;
    figure(
      '(c) Kafka ProducerPerformance, acks=all',
      `${fmt(java.recordsPerSecond)} records/s, ${java.mbPerSecond.toFixed(1)} MB/s ` +
        `(${fmt(java.records)} records of ${Math.round(values.averageBytes)} bytes, ` +
        `${java.averageLatencyMs.toFixed(0)} ms average latency)`,
    );
    figure('    ratio (b)/(c)', ratio.toFixed(2), ratio >= TARGETS.ratioToJava, '≥ 0.5');

    const smallPeak = ours.peakRssBytes;
    figure('(d) peak RSS, 1M rows', mib(smallPeak), smallPeak < TARGETS.peakRssBytes, '< 300 MB');
    line(`    of which reading + encoding alone (no Kafka): ${mib(await readingPeak(small))}`);
    if (large) {
      const big = await produceInChild(broker, large, checkpointDir);
      largePeakFigure('    peak RSS, 10M rows', big, smallPeak);
      line(`    of which reading + encoding alone (no Kafka): ${mib(await readingPeak(large))}`);
    } else {
      line('    peak RSS, 10M rows: skipped (PS_BENCH_SKIP_10M is set)');
    }
    await peaksWithMallocTuning(broker, small, large, checkpointDir);

    if (ratio < TARGETS.ratioToJava || codecRate < TARGETS.codecRowsPerSecond) {
      await profileProducer(broker, small, checkpointDir);
    }
  } finally {
    await broker.stop();
    await rm(checkpointDir, { recursive: true, force: true });
  }
}

/** (d) again, in a process launched the way the app launches its own (main/shared/mallocTuning). */
async function peaksWithMallocTuning(
  broker: BenchBroker,
  small: string,
  large: string | null,
  checkpointDir: string,
): Promise<void> {
  const tuned = withMallocTuning(process.env);
  const smallRun = await produceInChild(broker, small, checkpointDir, [], undefined, tuned);
  const smallPeak = smallRun.peakRssBytes;
  figure(
    '(d) with malloc tuning, 1M rows',
    `${mib(smallPeak)} (${fmt(smallRun.rowsPerSecond)} rows/s)`,
    smallPeak < TARGETS.peakRssBytes,
    '< 300 MB',
  );
  if (!large) return;
  const big = await produceInChild(broker, large, checkpointDir, [], undefined, tuned);
  largePeakFigure('    with malloc tuning, 10M rows', big, smallPeak);
}

/** (d) for the 10M-row file: under the target, and grown little over the 1M-row peak. */
function largePeakFigure(label: string, big: ChildReport, smallPeak: number): void {
  const growth = big.peakRssBytes / smallPeak - 1;
  figure(
    label,
    `${mib(big.peakRssBytes)} (${(growth * 100).toFixed(0)}% over 1M; ${fmt(big.rowsPerSecond)} rows/s)`,
    big.peakRssBytes < TARGETS.peakRssBytes && growth <= TARGETS.peakGrowth,
    '< 300 MB and within 20% of the 1M peak',
  );
}

/** Streams `file` into a new topic from a child process; returns its report. */
async function produceInChild(
  broker: BenchBroker,
  file: string,
  checkpointDir: string,
  nodeFlags: string[] = [],
  limit?: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildReport> {
  const topic = `bench-produce-${randomUUID().slice(0, 8)}`;
  await createTopic(broker.brokers, { topic, partitions: PARTITIONS });
  const options = { path: file, topic, brokers: broker.brokers, checkpointDir, limit };
  const output = await runProcess(
    process.execPath,
    [...nodeFlags, path.join(__dirname, 'produceChild.js'), JSON.stringify(options)],
    env,
  );
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as ChildReport;
}

/** Peak RSS of reading and encoding `file` without Kafka, in a child process. */
async function readingPeak(file: string): Promise<number> {
  const output = await runProcess(process.execPath, [path.join(__dirname, 'readChild.js'), file]);
  return (JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { peakRssBytes: number })
    .peakRssBytes;
}

async function javaProducerPerformance(
  broker: BenchBroker,
  records: number,
  recordSize: number,
): Promise<JavaPerformance> {
  const topic = `bench-java-${randomUUID().slice(0, 8)}`;
  await createTopic(broker.brokers, { topic, partitions: PARTITIONS });
  const output = await runProcess(javaCommand(), [
    '-Xmx512m',
    '-cp',
    path.join(broker.libsDir, '*'),
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${broker.brokers.join(',')}`,
    'acks=all',
  ]);
  const final =
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency/.exec(
      output
        .split('\n')
        .filter((text) => text.includes('records sent'))
        .at(-1) ?? '',
    );
  if (!final) throw new Error(`ProducerPerformance printed no summary:\n${output.slice(-2000)}`);
  return {
    records: Number(final[1]),
    recordsPerSecond: Number(final[2]),
    // the tool's "MB" is 1024 × 1024 bytes
    mbPerSecond: (Number(final[3]) * 1024 * 1024) / MB,
    averageLatencyMs: Number(final[4]),
  };
}

/** Profiles a 300,000-row run with --cpu-prof and prints where the time goes. */
async function profileProducer(
  broker: BenchBroker,
  file: string,
  checkpointDir: string,
): Promise<void> {
  const profileDir = path.join(BENCH_DATA_DIR, 'profiles', `producer-${Date.now()}`);
  await mkdir(profileDir, { recursive: true });
  await produceInChild(
    broker,
    file,
    checkpointDir,
    ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    300_000,
  );
  const profiles = (await readdir(profileDir)).filter((name) => name.endsWith('.cpuprofile'));
  line(`\nwhere the producer's time goes (node --cpu-prof, 300,000 rows; ${profileDir}):`);
  for (const name of profiles.sort()) {
    const { owners, functions } = summariseCpuProfile(path.join(profileDir, name));
    line(`  ${threadLabel(name, owners)}:`);
    for (const share of owners.filter((entry) => entry.percent >= 0.5)) {
      line(`  ${share.percent.toFixed(1).padStart(5)}%  ${share.name}`);
    }
    line('  busiest functions (self time):');
    for (const share of functions)
      line(`  ${share.percent.toFixed(1).padStart(5)}%    ${share.name}`);
  }
}

/** Node names profiles CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is main. */
function threadLabel(file: string, owners: ProfileShare[]): string {
  if (file.split('.')[4] === '0') return 'main thread (reading, encoding, partitioning, packing)';
  const kafka = owners
    .filter((share) => share.name.startsWith('kafkajs') || share.name.startsWith('record batches'))
    .reduce((sum, share) => sum + share.percent, 0);
  return kafka > 1 ? 'delivery thread (kafkajs)' : 'decoder thread (parquet-wasm)';
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB = ${(bytes / MB).toFixed(0)} MB`;
}
