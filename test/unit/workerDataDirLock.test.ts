// The data dir lock: exclusive, one-line error naming the dir, stale locks taken over, released on stop.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataDirLock, DataDirLockedError } from '../../main/worker/dataDirLock';
import { createLogger } from '../../main/shared/logger';

const quiet = createLogger('test', () => undefined);
let scratch = '';
before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'ps-lock-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});
const tempDir = () => mkdtemp(path.join(scratch, 'dir-'));

/** a pid that belonged to a process which has exited */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(result.stdout.toString());
}

test('creates the dir and a LOCK file holding the pid; removes it on stop', async () => {
  const dir = path.join(await tempDir(), 'worker1');
  const lock = new DataDirLock(dir, quiet);
  await lock.start();
  assert.equal((await readFile(path.join(dir, 'LOCK'), 'utf8')).trim(), String(process.pid));
  await lock.stop();
  await assert.rejects(access(path.join(dir, 'LOCK')));
});

test('a second holder fails with a one-line error naming the dir', async () => {
  const dir = await tempDir();
  const first = new DataDirLock(dir, quiet);
  await first.start();
  // another process's view: a different pid that is alive (ours)
  const second = new DataDirLock(dir, quiet, process.pid + 1_000_000);
  await assert.rejects(second.start(), (error: unknown) => {
    assert.ok(error instanceof DataDirLockedError);
    assert.match(
      error.message,
      new RegExp(`data dir ${dir} is in use by worker process ${process.pid}`),
    );
    assert.ok(!error.message.includes('\n'));
    return true;
  });
  await first.stop();
});

test('takes over a lock left by a dead process', async () => {
  const dir = await tempDir();
  await writeFile(path.join(dir, 'LOCK'), `${deadPid()}\n`);
  const lock = new DataDirLock(dir, quiet);
  await lock.start();
  assert.equal((await readFile(path.join(dir, 'LOCK'), 'utf8')).trim(), String(process.pid));
  await lock.stop();
});

test('takes over a LOCK file without a pid', async () => {
  const dir = await tempDir();
  await writeFile(path.join(dir, 'LOCK'), '');
  const lock = new DataDirLock(dir, quiet);
  await lock.start();
  await lock.stop();
});

test('stop leaves a lock that another process took over alone', async () => {
  const dir = await tempDir();
  const lock = new DataDirLock(dir, quiet);
  await lock.start();
  await writeFile(path.join(dir, 'LOCK'), '1\n');
  await lock.stop();
  assert.equal((await readFile(path.join(dir, 'LOCK'), 'utf8')).trim(), '1');
});
