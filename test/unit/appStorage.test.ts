// `storage`: what the app keeps, with sizes counted by hand from the files written here, and
// `clean`, which removes what was picked but never the data of a running broker or a locked dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '../../main/shared/errors';
import { cleanStorage, storageReport } from '../../main/storage/appStorage';

const KIB = 1024;

async function file(target: string, bytes: number): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, Buffer.alloc(bytes, 7));
}

/** An app data folder laid out as the app leaves it. */
async function appDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ps-storage-'));
  const logs = path.join(dir, 'broker', 'kraft-logs');
  await file(path.join(logs, 'parking-0', '00000000000000000000.log'), 16 * KIB);
  await file(path.join(logs, 'parking-1', '00000000000000000000.log'), 8 * KIB);
  await file(path.join(logs, 'parking-by-borough-0', '00000000000000000000.log'), 4 * KIB);
  await file(path.join(logs, '__consumer_offsets-0', '00000000000000000000.log'), 4 * KIB);
  await file(path.join(logs, '__transaction_state-3', '00000000000000000000.log'), 4 * KIB);
  await file(path.join(dir, 'broker', 'broker.log'), 12 * KIB);
  await file(path.join(dir, 'workers', 'worker-1', 'stats.json'), 4 * KIB);
  await file(path.join(dir, 'workers', 'worker-2', 'stats.json'), 4 * KIB);
  await file(path.join(dir, 'demo', 'parking-violations-200000.parquet'), 40 * KIB);
  await file(path.join(dir, 'checkpoints', 'abc.json'), 4 * KIB);
  await file(path.join(dir, 'notes.txt'), 4 * KIB);
  return dir;
}

/** A live process whose command line says it is a Kafka broker. */
function fakeBroker(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'kafka.Kafka'], {
    stdio: 'ignore',
  });
}

test('the report lists broker data per topic, workers, demo files and checkpoints', async () => {
  const dir = await appDataDir();
  try {
    const report = await storageReport(dir);
    assert.equal(report.bytes, 104 * KIB);
    assert.equal(report.otherBytes, 4 * KIB);
    const parts = Object.fromEntries(report.parts.map((part) => [part.kind, part]));
    assert.deepEqual(parts['broker-data'].items, [
      { name: 'parking', bytes: 24 * KIB },
      { name: "Kafka's internal topics", bytes: 8 * KIB },
      { name: 'parking-by-borough', bytes: 4 * KIB },
      { name: 'broker log and state', bytes: 12 * KIB },
    ]);
    assert.equal(parts['broker-data'].bytes, 48 * KIB);
    assert.equal(parts['broker-data'].inUse, null);
    assert.equal(parts.workers.bytes, 8 * KIB);
    assert.deepEqual(
      parts.workers.items.map((item) => item.name),
      ['worker-1', 'worker-2'],
    );
    assert.deepEqual(parts.demo.items, [
      { name: 'parking-violations-200000.parquet', bytes: 40 * KIB },
    ]);
    assert.equal(parts.checkpoints.bytes, 4 * KIB);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('clean removes what was picked and leaves the rest', async () => {
  const dir = await appDataDir();
  try {
    const result = await cleanStorage(dir, ['demo', 'checkpoints']);
    assert.equal(result.removedBytes, 44 * KIB);
    assert.deepEqual(result.kept, []);
    assert.deepEqual(await readdir(path.join(dir, 'demo')), []);
    assert.deepEqual(await readdir(path.join(dir, 'checkpoints')), []);
    assert.ok(existsSync(path.join(dir, 'broker', 'broker.log')));
    assert.equal((await storageReport(dir)).bytes, 60 * KIB);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a running broker's data is refused and a locked worker dir is kept", async () => {
  const dir = await appDataDir();
  const broker = fakeBroker();
  const worker = fakeBroker();
  try {
    const brokerDir = path.join(dir, 'broker');
    await writeFile(
      path.join(brokerDir, 'broker.json'),
      JSON.stringify({ pid: broker.pid, port: 9092, controllerPort: 9093 }),
    );
    await writeFile(path.join(dir, 'workers', 'worker-2', 'LOCK'), `${worker.pid}\n`);
    assert.equal(
      (await storageReport(dir)).parts[0].inUse,
      `the broker on port 9092 (pid ${broker.pid}) is running`,
    );
    await assert.rejects(
      cleanStorage(dir, ['broker-data', 'workers']),
      (error: unknown) =>
        error instanceof InputError &&
        error.message ===
          `broker data in ${brokerDir} is in use: the broker on port 9092 (pid ${broker.pid}) ` +
            `is running — stop it first (\`parquet-streamer broker stop --data-dir ${brokerDir}\`, ` +
            'or quit the app)',
    );
    assert.ok(existsSync(path.join(dir, 'workers', 'worker-1')), 'nothing removed on refusal');
    const result = await cleanStorage(dir, ['workers']);
    assert.deepEqual(result.removed, [path.join(dir, 'workers', 'worker-1')]);
    assert.deepEqual(result.kept, [
      `${path.join(dir, 'workers', 'worker-2')} (in use by process ${worker.pid})`,
    ]);
    broker.kill();
    await new Promise((resolve) => broker.once('exit', resolve));
    const all = await cleanStorage(dir, ['broker-data']);
    assert.deepEqual(all.removed, [brokerDir]);
    assert.equal(existsSync(brokerDir), false);
  } finally {
    broker.kill();
    worker.kill();
    await rm(dir, { recursive: true, force: true });
  }
});
