// The mechanisms with one home in main/shared: the trailing-edge throttle coalesces bursts into
// one run per interval and flushes on demand; an atomic JSON write leaves the new content and
// no temporary file.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { mock, test } from 'node:test';
import { writeJsonAtomically } from '../../main/shared/atomicJson';
import { TrailingThrottle } from '../../main/shared/trailingThrottle';

test('the trailing throttle runs at most once per interval, and flush runs a waiting request', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  try {
    let runs = 0;
    const throttle = new TrailingThrottle(250, () => (runs += 1), Date.now);
    throttle.request();
    mock.timers.tick(0);
    assert.equal(runs, 1);
    for (let i = 0; i < 10; i += 1) {
      throttle.request();
      mock.timers.tick(20);
    }
    assert.equal(runs, 1, 'a burst within the interval waits for its end');
    mock.timers.tick(50);
    assert.equal(runs, 2, 'and then runs once');
    throttle.request();
    throttle.flush();
    assert.equal(runs, 3, 'flush runs the waiting request now');
    mock.timers.tick(1_000);
    assert.equal(runs, 3, 'and only once');
    throttle.flush();
    assert.equal(runs, 3, 'flush with nothing waiting runs nothing');
    throttle.request();
    throttle.cancel();
    mock.timers.tick(1_000);
    assert.equal(runs, 3);
  } finally {
    mock.timers.reset();
  }
});

test('an atomic JSON write replaces the file and leaves no temporary file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ps-atomic-'));
  try {
    const file = path.join(dir, 'nested', 'state.json');
    await writeJsonAtomically(file, { version: 1 });
    await writeJsonAtomically(file, { version: 2, rows: [1, 2] });
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { version: 2, rows: [1, 2] });
    assert.deepEqual(await readdir(path.dirname(file)), ['state.json']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('overlapping atomic writes of one file in one process all succeed and leave one whole file', async () => {
  // a worker's periodic stats save can still be running when its stop saves again
  const dir = await mkdtemp(path.join(tmpdir(), 'ps-atomic-'));
  try {
    const file = path.join(dir, 'stats.json');
    await Promise.all([1, 2, 3].map((version) => writeJsonAtomically(file, { version })));
    const { version } = JSON.parse(await readFile(file, 'utf8')) as { version: number };
    assert.ok([1, 2, 3].includes(version), `stats.json holds version ${version}`);
    assert.deepEqual(await readdir(dir), ['stats.json']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
