// Every user mistake a tester met, as a user meets it: the built CLI prints exactly one line
// `error: …` (no stack trace) and exits 2 (the command is wrong) or 1 (something outside it
// failed). None of these needs a broker: each is refused before anything connects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CORPUS_DIR } from '../support/parquetCorpus';
import { writeOversizedChunkFile } from '../support/oversizedChunkFile';

const cli = path.resolve(__dirname, '..', '..', 'main', 'cli', 'main.js');
const NOWHERE = '127.0.0.1:1';
const RESERVED =
  'is reserved: names starting with "__" are Kafka\'s internal topics — choose another name';

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertOneLine(args: string[], code: number, line: string): void {
  const result = run(...args);
  assert.equal(result.stderr, `${line}\n`, args.join(' '));
  assert.equal(result.code, code, args.join(' '));
}

test('internal topics are refused by every command that takes a topic', () => {
  const topic = ['topic', 'create', '__consumer_offsets', '--partitions', '1'];
  assertOneLine(
    [...topic, '--brokers', NOWHERE],
    2,
    `error: topic name: "__consumer_offsets" ${RESERVED}`,
  );
  for (const sub of ['describe', 'add-partitions']) {
    const args = ['topic', sub, '__consumer_offsets', '--brokers', NOWHERE];
    if (sub === 'add-partitions') args.push('--partitions', '2');
    assertOneLine(args, 2, `error: topic name: "__consumer_offsets" ${RESERVED}`);
  }
  const produce = ['produce', 'x.parquet', '--topic', '__consumer_offsets', '--create-topic'];
  assertOneLine(
    [...produce, '--partitions', '1', '--brokers', NOWHERE],
    2,
    `error: --topic: "__consumer_offsets" ${RESERVED}`,
  );
  const worker = ['worker', '--brokers', NOWHERE, '--group', 'g', '--input', 'in'];
  assertOneLine(
    [...worker, '--output', '__transaction_state', '--data-dir', 'w', '--web-port', '0'],
    2,
    `error: --output: "__transaction_state" ${RESERVED}`,
  );
});

test('ports, brokers and usage mistakes name the flag on one line', () => {
  assertOneLine(
    ['dashboard', '--port', '70000'],
    2,
    'error: --port takes a port from 0 to 65535 (got "70000")',
  );
  assertOneLine(
    ['broker', 'start', '--port', '70000'],
    2,
    'error: --port takes a port from 1 to 65535 (got "70000")',
  );
  assertOneLine(
    ['broker', 'start', '--controller-port', '65536'],
    2,
    'error: --controller-port takes a port from 1 to 65535 (got "65536")',
  );
  assertOneLine(
    ['broker', 'start', '--nodes', '9'],
    2,
    'error: --nodes takes a whole number from 1 to 5 (got 9) — 3 is the smallest cluster that survives losing a node',
  );
  assertOneLine(
    ['dashboard', '--broker-nodes', '0'],
    2,
    'error: --broker-nodes takes a whole number from 1 to 5 (got 0) — 3 is the smallest cluster that survives losing a node',
  );
  assertOneLine(
    ['topic', 'list', '--brokers', ''],
    2,
    'error: --brokers: give at least one host:port, like 127.0.0.1:9092',
  );
  assertOneLine(
    ['topic', 'list', '--brokers', 'localhost'],
    2,
    'error: --brokers: "localhost" is not host:port — write brokers like 127.0.0.1:9092',
  );
  assertOneLine(['nosuch'], 2, "error: unknown command 'nosuch' (add --help for usage)");
  assertOneLine(
    ['topic', 'create', 'x'],
    2,
    "error: required option '--partitions <n>' not specified (add --help for usage)",
  );
  assertOneLine(
    ['storage', 'clean'],
    2,
    'error: storage clean: choose what to remove — --broker-data, --workers, --demo, --checkpoints or --all',
  );
});

test('demo-data into a missing folder or onto a folder says so', async () => {
  const folder = await mkdtemp(path.join(tmpdir(), 'ps-demo-'));
  try {
    assertOneLine(
      ['demo-data', '/nonexistent/dir/x.parquet', '--rows', '10'],
      2,
      'error: /nonexistent/dir/x.parquet: the folder /nonexistent/dir does not exist — create it first or choose another path',
    );
    assertOneLine(
      ['demo-data', folder, '--rows', '10'],
      2,
      `error: ${folder} is a folder — give a file path, such as ${path.join(folder, 'parking.parquet')}`,
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('data dirs on pseudo file systems are refused at once, before anything spins', () => {
  const worker = [
    'worker',
    '--brokers',
    NOWHERE,
    '--group',
    'g',
    '--input',
    'in',
    '--output',
    'out',
  ];
  assertOneLine(
    [...worker, '--data-dir', '/proc/x', '--web-port', '0'],
    2,
    'error: --data-dir /proc/x is on a proc pseudo file system, which cannot hold files — choose a directory on a disk',
  );
  assertOneLine(
    ['dashboard', '--data-dir', '/sys/x', '--brokers', NOWHERE],
    2,
    'error: --data-dir /sys/x is on a sysfs pseudo file system, which cannot hold files — choose a directory on a disk',
  );
  assertOneLine(
    ['broker', 'start', '--data-dir', '/proc/x/broker'],
    2,
    'error: the broker data dir /proc/x/broker is on a proc pseudo file system, which cannot hold files — choose a directory on a disk',
  );
});

test('inspect --verify decodes every page: corrupt pages under a sound footer fail', () => {
  const corrupt = path.join(CORPUS_DIR, 'bad', 'ARROW-GH-41321.parquet');
  const footerOnly = run('inspect', corrupt);
  assert.equal(footerOnly.code, 0, 'the footer alone looks fine');
  assertOneLine(
    ['inspect', '--verify', corrupt],
    2,
    `error: ${corrupt}: the Parquet decoder aborted reading row group 0 (RuntimeError: unreachable); the file is probably corrupt`,
  );
  const good = run('inspect', '--verify', path.join(CORPUS_DIR, 'good', 'nulls.snappy.parquet'));
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /\nverified: all 1 row groups decode \(8 rows\)\n$/);
});

test('a column chunk beyond the 2 GiB limit says so instead of "probably corrupt"', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ps-oversized-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'oversized.parquet');
  // one byte over the limit (2^31 - 1), claimed for the struct leaf point.x; the pages stay tiny
  await writeOversizedChunkFile(file, 2 ** 31);
  const line =
    `error: ${file}: row group 0's column point.x has a column chunk of 2147483648 bytes, ` +
    "which is larger than the reader's 2 GiB limit — rewrite the file with smaller row groups";
  assertOneLine(['rows', file], 2, line);
  assertOneLine(['inspect', '--verify', file], 2, line);
});
