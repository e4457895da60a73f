// `npm test`: starts one real Kafka broker through the broker manager (free port, temporary
// data dir), runs every compiled test file with Node's test runner against it, and always
// stops the broker. Suites: unit, integration, faults (fault injection: killed, frozen and
// restarted processes) and e2e. Arguments filter test files by substring: `npm test -- producer`.
// PS_TEST_BROKERS set beforehand means "use that cluster" and no broker is started.
// Files run in PS_TEST_JOBS lanes at once (default: 2, or 1 on a single core), each in its own
// `node --test`; fault and e2e files run one at a time beside the integration and unit files,
// and the 3-node cluster's file runs alone. Each file's time is listed at the end, the
// slowest first.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, LocalBroker } from '../main/broker/localBroker';

/** in the order they are started: the long fault files first, the short unit files last */
const SUITES = ['faults', 'e2e', 'integration', 'unit'];
/** files of these suites run one at a time: fault files kill, freeze and restart processes on
 * timing bounds, and page tests drive Chromium against live streams */
const ONE_AT_A_TIME = ['faults', 'e2e'];
/** files that run before the others, with nothing beside them: three JVMs starting at once
 * take both cores, and a page test beside them missed its bound */
const ALONE = ['faults/brokerNodeLoss'];

/** a file still running after this long is stopped and counted as failed (the longest take ~4 min) */
const FILE_LIMIT_S = 900;

interface TestFile {
  file: string;
  /** suite/name, as the listing shows it */
  name: string;
  suite: string;
}

interface FileResult {
  name: string;
  code: number;
  seconds: number;
}

function testFiles(filters: string[]): TestFile[] {
  const files: TestFile[] = [];
  for (const suite of SUITES) {
    const dir = path.join(__dirname, suite);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (!name.endsWith('.test.js')) continue;
      if (filters.length > 0 && !filters.some((filter) => file.includes(filter))) continue;
      files.push({ file, name: `${suite}/${name.replace(/\.test\.js$/, '')}`, suite });
    }
  }
  return files;
}

function jobCount(): number {
  const asked = Number(process.env.PS_TEST_JOBS);
  if (Number.isInteger(asked) && asked >= 1) return asked;
  return Math.min(2, os.availableParallelism());
}

const running = new Set<ChildProcess>();
/** set by Ctrl-C or SIGTERM: the running files are stopped and no other starts */
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    running.forEach((child) => child.kill(signal));
  });
}

/** Copies a child's output line by line, each line tagged with its file when lanes overlap. */
function forward(stream: NodeJS.ReadableStream, to: NodeJS.WriteStream, tag: string): void {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => to.write(tag ? `${tag} ${line}\n` : `${line}\n`));
}

async function runFile(
  test: TestFile,
  env: NodeJS.ProcessEnv,
  tagged: boolean,
): Promise<FileResult> {
  const started = Date.now();
  // --test-force-exit: a file whose tests are done ends even if a handle was left open
  const child = spawn(
    process.execPath,
    ['--test', '--test-force-exit', '--test-reporter=spec', test.file],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  running.add(child);
  const tag = tagged ? `[${test.name}]` : '';
  forward(child.stdout!, process.stdout, tag);
  forward(child.stderr!, process.stderr, tag);
  const limit = setTimeout(() => {
    process.stderr.write(`${test.name}: still running after ${FILE_LIMIT_S} s — stopped\n`);
    child.kill('SIGKILL');
  }, FILE_LIMIT_S * 1_000);
  const code = await new Promise<number>((resolve) =>
    child.on('close', (exit, signal) => resolve(exit ?? (signal ? 1 : 0))),
  );
  clearTimeout(limit);
  running.delete(child);
  return { name: test.name, code, seconds: (Date.now() - started) / 1_000 };
}

/** Runs the files in `jobs` lanes, the next free lane taking the first file it may start. */
async function runAll(files: TestFile[], env: NodeJS.ProcessEnv, jobs: number) {
  const queue = [...files];
  const results: FileResult[] = [];
  let exclusiveBusy = false;
  /** lanes waiting for the running one-at-a-time file to end */
  let waiting: (() => void)[] = [];
  const tagged = jobs > 1 && files.length > 1;
  const lane = async (): Promise<void> => {
    while (!interrupted) {
      const index = queue.findIndex(
        (test) => !(exclusiveBusy && ONE_AT_A_TIME.includes(test.suite)),
      );
      if (index < 0) {
        if (queue.length === 0) return;
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      const [test] = queue.splice(index, 1) as [TestFile];
      const exclusive = ONE_AT_A_TIME.includes(test.suite);
      if (exclusive) exclusiveBusy = true;
      results.push(await runFile(test, env, tagged));
      if (exclusive) exclusiveBusy = false;
      waiting.forEach((resume) => resume());
      waiting = [];
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, lane));
  return results;
}

function report(results: FileResult[], wallSeconds: number, jobs: number): number {
  const failed = results.filter((result) => result.code !== 0);
  const width = Math.max(...results.map((result) => result.name.length));
  const lines = [...results]
    .sort((a, b) => b.seconds - a.seconds)
    .map(
      (result) =>
        `${result.seconds.toFixed(1).padStart(7)} s  ${result.name.padEnd(width)}` +
        (result.code !== 0 ? '  FAILED' : ''),
    );
  const total = results.reduce((sum, result) => sum + result.seconds, 0);
  process.stdout.write(
    `\ntest files by time:\n${lines.join('\n')}\n` +
      `${results.length} files, ${failed.length} failed; ${total.toFixed(0)} s of file time ` +
      `in ${wallSeconds.toFixed(0)} s (${jobs} lane${jobs === 1 ? '' : 's'})\n`,
  );
  if (failed.length > 0) {
    process.stdout.write(`failed: ${failed.map((result) => result.name).join(', ')}\n`);
  }
  return failed.length > 0 ? 1 : 0;
}

async function runTests(files: TestFile[], env: NodeJS.ProcessEnv): Promise<number> {
  const jobs = jobCount();
  const started = Date.now();
  const alone = files.filter((test) => ALONE.includes(test.name));
  const results = await runAll(alone, env, 1);
  results.push(
    ...(await runAll(
      files.filter((test) => !alone.includes(test)),
      env,
      jobs,
    )),
  );
  const code = report(results, (Date.now() - started) / 1_000, jobs);
  return interrupted ? 1 : code;
}

async function main(): Promise<number> {
  const files = testFiles(process.argv.slice(2));
  if (files.length === 0) {
    process.stderr.write('no test files matched\n');
    return 1;
  }
  if (process.env.PS_TEST_BROKERS) {
    return runTests(files, process.env);
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ps-test-broker-'));
  const broker = new LocalBroker({ dataDir, port: await freePort(), heapMb: 768 });
  broker.on('status', (status) => {
    if (status.state !== 'provisioning') process.stderr.write(`test broker: ${status.state}\n`);
  });
  try {
    await broker.start();
    process.stderr.write(
      `test broker ready on ${broker.brokers.join(',')} (data dir ${dataDir})\n`,
    );
    return await runTests(files, {
      ...process.env,
      PS_TEST_BROKERS: broker.brokers.join(','),
      PS_TEST_BROKER_DATA_DIR: dataDir,
    });
  } finally {
    await broker.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(
      `test harness failed: ${error instanceof Error ? error.message : error}\n`,
    );
    process.exit(1);
  },
);
