// `npm run bench -- worker`: how many rows per second one worker process transforms exactly once.
// 200,000 parking rows go into a 4-partition topic first; then one worker starts and its /stats is
// read until it has committed them all. The rate counts from its first committed row to its last,
// so joining the group is not part of it. PS_BENCH_WORKER_SCRIPT runs another build's worker.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createKafka } from '../main/broker/kafkaClient';
import { freePort } from '../main/broker/localBroker';
import { createLogger } from '../main/shared/logger';
import { benchBroker } from './benchBroker';

const ROWS = 200_000;
const PARTITIONS = 4;
const COUNTIES = ['K', 'BX', 'NY', 'QN', 'R', 'XX'];

const line = (text: string) => process.stdout.write(`${text}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function row(index: number): string {
  return JSON.stringify({
    'Summons Number': 1_000_000 + index,
    'Issue Date': `2017-01-${String((index % 28) + 1).padStart(2, '0')}`,
    'Violation County Name': COUNTIES[index % COUNTIES.length],
    'W - Temperature': 20 + (index % 60),
    'Street Name': 'Broadway',
  });
}

export async function runWorkerBench(): Promise<void> {
  const broker = await benchBroker();
  const baseDir = await mkdtemp(path.join(tmpdir(), 'ps-bench-worker-'));
  const kafka = createKafka({
    brokers: broker.brokers,
    clientId: 'bench-worker',
    logger: createLogger('bench', () => undefined),
  });
  const admin = kafka.admin();
  await admin.connect();
  const suffix = `${process.pid}-${Date.now()}`;
  const input = `bench-worker-in-${suffix}`;
  const output = `bench-worker-out-${suffix}`;
  try {
    line(`broker: ${broker.description}`);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: input, numPartitions: PARTITIONS },
        { topic: output, numPartitions: PARTITIONS },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    for (let from = 0; from < ROWS; from += 10_000) {
      const messages = [];
      for (let index = from; index < from + 10_000; index += 1)
        messages.push({
          key: String(index),
          value: row(index),
          headers: { 'source.file': 'bench.parquet', 'source.row': String(index) },
        });
      await producer.send({ topic: input, messages, acks: -1 });
    }
    await producer.disconnect();
    line(`input: ${ROWS.toLocaleString('en-US')} rows in ${PARTITIONS} partitions`);

    const port = await freePort();
    const script =
      process.env.PS_BENCH_WORKER_SCRIPT ??
      path.join(__dirname, '..', 'main', 'worker', 'workerProcess.js');
    const worker = spawn(
      process.execPath,
      [
        script,
        ...['--brokers', broker.brokers.join(','), '--group', `bench-worker-${suffix}`],
        ...['--input', input, '--output', output, '--data-dir', path.join(baseDir, 'worker1')],
        ...['--web-port', String(port), '--log-level', 'warn'],
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const startedAt = Date.now();
    let first: { at: number; rows: number } | null = null;
    let rowsIn = 0;
    try {
      while (rowsIn < ROWS) {
        if (worker.exitCode !== null) throw new Error(`worker exited with ${worker.exitCode}`);
        if (Date.now() - startedAt > 300_000) throw new Error(`stalled at ${rowsIn} rows`);
        await sleep(100);
        try {
          const stats = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as {
            rowsIn: number;
          };
          rowsIn = stats.rowsIn;
        } catch {
          continue; // not listening yet
        }
        if (first === null && rowsIn > 0) first = { at: Date.now(), rows: rowsIn };
      }
    } finally {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
    const seconds = (Date.now() - first!.at) / 1000;
    line(`worker: ${script}`);
    line(
      `one worker: ${Math.round((ROWS - first!.rows) / seconds).toLocaleString('en-US')} rows/s ` +
        `(${seconds.toFixed(1)} s after its first commit; ` +
        `${((first!.at - startedAt) / 1000).toFixed(1)} s from start to first commit)`,
    );
  } finally {
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
    await rm(baseDir, { recursive: true, force: true });
    await broker.stop();
  }
}
