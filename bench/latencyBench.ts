// `npm run bench -- latency`: how long a row takes from being produced to being readable
// (read_committed) in the output topic, through three exactly-once processors in turn, each fed
// the same stream on one broker — the demo file at 50,000 rows/s into 4 partitions, 2 processes:
//   (a) our workers (nyc-parking-boroughs, as in the charts bench);
//   (b) Kafka Streams (`stream(input).to(output)`, exactly_once_v2, its defaults: a commit every
//       100 ms) — Kafka's own stream processor (java/StreamsCopy.java);
//   (c) Kafka's Java client in Streams' loop without the rest of Streams: poll, send, commit every
//       100 ms with the group's metadata (java/TransactionalCopyLoop.java).
// A row's latency runs from its input record's timestamp (stamped when the producer sent it) to
// when a read_committed consumer in a process of its own (readableChild.ts) receives the output
// record with the same source.row. Each processor first gets an uncounted warm-up of 100,000 rows. Beside the
// latency, the CPU each party used while the stream ran, as a share of the machine's cores.
// This is the part of the charts bench's produce→render latency that no renderer can shorten.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import type { Admin } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { copyDependenciesArgs, KAFKA_VERSION } from '../main/broker/kafkaDistribution';
import { createKafka } from '../main/broker/kafkaClient';
import { javaCommand } from '../main/broker/javaToolchain';
import { createTopic } from '../main/broker/topicAdmin';
import { ParquetProducer } from '../main/producer/parquetProducer';
import { createLogger } from '../main/shared/logger';
import { WorkerSupervisor } from '../main/supervisor/workerSupervisor';
import { benchBroker, type BenchBroker } from './benchBroker';
import { BENCH_DATA_DIR, demoDataset } from './benchDatasets';
import { groupCommitted, rowStamps, topicEnd } from './benchTopics';
import { figure, fmt, line, percentile, runProcess } from './benchOutput';
import type { ReadableReport } from './readableChild';

const ROWS = 1_000_000;
const WARM_UP_ROWS = 100_000;
const RATE = 50_000;
const PARTITIONS = 4;
const PROCESSES = 2;
const TARGET_P99_MS = 250;
/** the latency is also given for rows produced after this much of the measured stream */
const SETTLED_AFTER_MS = 10_000;
const JAVA_DIR = path.resolve(__dirname, '..', '..', 'bench', 'java');

/** One exactly-once processor: started on two topics, it runs until stopped. */
interface Processor {
  name: string;
  start(broker: BenchBroker, topics: Topics, scratch: string): Promise<RunningProcessor>;
}

interface Topics {
  input: string;
  output: string;
  /** the consumer group the processor commits its offsets in */
  group: string;
}

interface RunningProcessor {
  pids(): number[];
  stop(): Promise<void>;
}

const OUR_WORKERS: Processor = {
  name: '(a) our workers (nyc-parking-boroughs)',
  async start(broker, { input, output, group }, scratch) {
    const supervisor = new WorkerSupervisor({
      brokers: broker.brokers,
      group,
      inputTopic: input,
      outputTopic: output,
      transform: 'nyc-parking-boroughs',
      baseDir: path.join(scratch, group),
      logLevel: 'warn',
      workerOutput: () => undefined,
      logger: createLogger('bench', () => undefined),
    });
    await supervisor.scaleTo(PROCESSES);
    return {
      pids: () => supervisor.workers().flatMap(({ pid }) => (pid === null ? [] : [pid])),
      stop: () => supervisor.stop(),
    };
  },
};

const KAFKA_STREAMS: Processor = {
  name: `(b) Kafka Streams ${KAFKA_VERSION}, exactly_once_v2`,
  async start(broker, { input, output, group }, scratch) {
    const classpath = path.join(await kafkaStreamsLibs(), '*');
    return startJava(classpath, 'StreamsCopy.java', (index) => [
      broker.brokers.join(','),
      input,
      output,
      group,
      path.join(scratch, `${group}-${index}`),
    ]);
  },
};

const JAVA_CLIENT_LOOP: Processor = {
  name: `(c) Kafka's Java client, commit every 100 ms`,
  async start(broker, { input, output, group }) {
    return startJava(path.join(broker.libsDir, '*'), 'TransactionalCopyLoop.java', (index) => [
      broker.brokers.join(','),
      input,
      output,
      group,
      `${group}-${index}`,
    ]);
  },
};

export async function runLatencyBench(): Promise<void> {
  const file = await demoDataset(ROWS);
  const broker = await benchBroker();
  const scratch = await mkdtemp(path.join(tmpdir(), 'ps-bench-latency-'));
  try {
    line(`broker: ${broker.description}; ${cpus().length} cores`);
    line(
      `stream: ${fmt(ROWS - WARM_UP_ROWS)} demo rows at ${fmt(RATE)} rows/s into ${PARTITIONS} partitions, ` +
        `${PROCESSES} processes, after ${fmt(WARM_UP_ROWS)} uncounted rows\n`,
    );
    for (const processor of [OUR_WORKERS, KAFKA_STREAMS, JAVA_CLIENT_LOOP]) {
      line(processor.name);
      await measure(processor, broker, file, scratch);
    }
  } finally {
    await broker.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function measure(
  processor: Processor,
  broker: BenchBroker,
  file: string,
  scratch: string,
): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const topics = {
    input: `bench-latency-in-${run}`,
    output: `bench-latency-out-${run}`,
    group: `bench-latency-${run}`,
  };
  for (const topic of [topics.input, topics.output])
    await createTopic(broker.brokers, { topic, partitions: PARTITIONS });
  const running = await processor.start(broker, topics, scratch);
  const admin = createKafka({ brokers: broker.brokers, clientId: 'bench-latency' }).admin();
  let reader: ChildProcess | null = null;
  try {
    await admin.connect();
    await groupSettled(admin, topics.group);
    reader = await startReader(broker, topics.output);
    const stream = (offset: number, limit: number) =>
      new ParquetProducer({
        path: file,
        topic: topics.input,
        brokers: broker.brokers,
        ratePerSecond: RATE,
        offset,
        limit,
      }).run();
    await stream(0, WARM_UP_ROWS);
    await inputCommitted(admin, topics);
    const cpu = new CpuSampler({
      'this process (producer)': () => [process.pid],
      broker: () => broker.pids(),
      processors: () => running.pids(),
      reader: () => (reader?.pid === undefined ? [] : [reader.pid]),
    });
    await stream(WARM_UP_ROWS, ROWS - WARM_UP_ROWS);
    await inputCommitted(admin, topics);
    const shares = cpu.stop();
    await report(broker, topics.input, await readerReport(reader), shares);
  } finally {
    reader?.kill();
    await admin.disconnect();
    await running.stop();
  }
}

/** The reader child (readableChild.ts), once it is consuming the output topic. */
function startReader(broker: BenchBroker, output: string): Promise<ChildProcess> {
  const child = fork(path.join(__dirname, 'readableChild.js'), [broker.brokers.join(','), output], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the reader exited with ${code}`)));
  });
}

/** When each output row became readable, by source.row, once the reader has seen all of them. */
function readerReport(reader: ChildProcess): Promise<Map<number, number>> {
  return new Promise((resolve, reject) => {
    reader.once('message', ({ rows, at }: ReadableReport) =>
      resolve(new Map(rows.map((row, index) => [row, at[index]!]))),
    );
    reader.once('exit', (code) => reject(new Error(`the reader exited with ${code}`)));
    reader.send('report');
  });
}

/** Figures for the measured rows: latency overall, after SETTLED_AFTER_MS, and the CPU shares. */
async function report(
  broker: BenchBroker,
  input: string,
  readableAt: Map<number, number>,
  cpuShares: Record<string, number>,
): Promise<void> {
  const producedAt = await rowStamps(broker.brokers, input, (row) => row >= WARM_UP_ROWS);
  let firstProduced = Infinity;
  for (const at of producedAt.values()) firstProduced = Math.min(firstProduced, at);
  const all: number[] = [];
  const settled: number[] = [];
  for (const [row, at] of producedAt) {
    const readable = readableAt.get(row);
    if (readable === undefined) continue;
    all.push(readable - at);
    if (at - firstProduced >= SETTLED_AFTER_MS) settled.push(readable - at);
  }
  const ms = (values: number[], p: number) => `${fmt(percentile(values, p))} ms`;
  figure(
    '  rows readable in the output / produced',
    `${fmt(all.length)} / ${fmt(producedAt.size)}`,
  );
  figure('  produce→readable p50 / p90 / max', `${ms(all, 50)} / ${ms(all, 90)} / ${ms(all, 100)}`);
  const p99 = percentile(all, 99);
  figure('  produce→readable p99', `${fmt(p99)} ms`, p99 < TARGET_P99_MS, `< ${TARGET_P99_MS} ms`);
  figure(
    `  rows produced after the first ${SETTLED_AFTER_MS / 1000} s: p50 / p99`,
    `${ms(settled, 50)} / ${ms(settled, 99)}`,
  );
  const total = Object.values(cpuShares).reduce((sum, share) => sum + share, 0);
  figure(
    '  CPU while streaming (% of one core)',
    Object.entries(cpuShares)
      .map(([party, share]) => `${party} ${share.toFixed(0)}%`)
      .join(', ') + ` — ${total.toFixed(0)}% of the machine's ${cpus().length * 100}%\n`,
  );
}

/** Waits until the group is stable with every processor in it (joined and assigned). */
async function groupSettled(admin: Admin, group: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { groups } = await admin.describeGroups([group]);
    const described = groups[0];
    if (described?.state === 'Stable' && described.members.length === PROCESSES) return;
    if (Date.now() > deadline)
      throw new Error(`group ${group} did not settle with ${PROCESSES} members in 120 s`);
    await sleep(250);
  }
}

/** Waits until the group has committed the whole input (and so all of its output). */
async function inputCommitted(admin: Admin, { input, group }: Topics): Promise<void> {
  const end = await topicEnd(admin, input);
  while ((await groupCommitted(admin, group, input)) < end) await sleep(200);
}

/** Two Java processes running `source` (a single-file program), started once each says "running". */
async function startJava(
  classpath: string,
  source: string,
  argsFor: (index: number) => string[],
): Promise<RunningProcessor> {
  const children: ChildProcess[] = [];
  for (let index = 0; index < PROCESSES; index++) {
    children.push(
      spawn(
        javaCommand(),
        ['-Xmx512m', '-cp', classpath, path.join(JAVA_DIR, source), ...argsFor(index)],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
  }
  await Promise.all(children.map((child) => saysRunning(child, source)));
  return {
    pids: () => children.flatMap(({ pid }) => (pid === undefined ? [] : [pid])),
    stop: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

function saysRunning(child: ChildProcess, source: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on(
      'data',
      (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)),
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${source} exited with ${code}: ${stderr}`)));
  });
}

/** Kafka Streams' jars at Kafka's version, fetched once with Maven into .bench-data/. */
async function kafkaStreamsLibs(): Promise<string> {
  const dir = path.join(BENCH_DATA_DIR, `kafka-streams-${KAFKA_VERSION}`);
  const libs = path.join(dir, 'libs');
  if (existsSync(libs)) return libs;
  const staging = `${dir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await writeFile(
    path.join(staging, 'pom.xml'),
    [
      '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>',
      '  <groupId>parquet-streamer</groupId><artifactId>bench-kafka-streams</artifactId>',
      `  <version>${KAFKA_VERSION}</version><packaging>pom</packaging>`,
      '  <dependencies><dependency><groupId>org.apache.kafka</groupId>',
      `    <artifactId>kafka-streams</artifactId><version>${KAFKA_VERSION}</version>`,
      '  </dependency></dependencies>',
      '</project>',
      '',
    ].join('\n'),
  );
  process.stderr.write(`fetching Kafka Streams ${KAFKA_VERSION} with Maven …\n`);
  await runProcess('mvn', [
    '-q',
    ...copyDependenciesArgs(path.join(staging, 'pom.xml'), path.join(staging, 'libs')),
  ]);
  await rename(staging, dir);
  return libs;
}

/** CPU time of groups of processes (from /proc), as % of one core over the sampled time. */
class CpuSampler {
  private readonly startedAt = performance.now();
  private readonly used: Record<string, number> = {};
  private readonly last = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly parties: Record<string, () => number[]>) {
    for (const name of Object.keys(parties)) this.used[name] = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), 500);
  }

  /** Shares since the start, in % of one core. */
  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample();
    const seconds = (performance.now() - this.startedAt) / 1000;
    const shares: Record<string, number> = {};
    for (const [name, ticks] of Object.entries(this.used))
      shares[name] = (100 * ticks) / CLOCK_TICKS / seconds;
    return shares;
  }

  /** Adds each process's ticks since its last sample (a process seen first counts from then). */
  private sample(): void {
    for (const [name, pids] of Object.entries(this.parties)) {
      for (const pid of pids()) {
        const ticks = processTicks(pid);
        if (ticks === null) continue;
        const before = this.last.get(pid);
        if (before !== undefined) this.used[name]! += ticks - before;
        this.last.set(pid, ticks);
      }
    }
  }
}

/** Linux's USER_HZ: /proc reports CPU time in these. */
const CLOCK_TICKS = 100;

/** User + system CPU ticks of a process and all its threads, or null when it is gone. */
function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
