// The broker manager's refusals, against the broker the harness started: a second broker on
// the same data dir, and a broker on a port already in use, each give one line naming it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LocalBroker, recordedBrokerStatus } from '../../main/broker/localBroker';
import { InputError } from '../../main/shared/errors';
import { testBrokers } from '../support/testBroker';

function harnessDataDir(): string {
  const dir = process.env.PS_TEST_BROKER_DATA_DIR;
  assert.ok(dir, 'PS_TEST_BROKER_DATA_DIR is set by the test harness');
  return dir;
}

test('the running broker is recorded in its data dir and answers clients', async () => {
  const status = await recordedBrokerStatus(harnessDataDir());
  assert.equal(status.state, 'ready');
  assert.deepEqual(status.brokers, testBrokers());
});

test('a second broker on the same data dir is refused with the dir named', async () => {
  const dir = harnessDataDir();
  const second = new LocalBroker({ dataDir: dir, port: 1 });
  await assert.rejects(second.start(), (error: Error) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, new RegExp(`already running on data dir ${dir}`));
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
  assert.equal(second.status().state, 'failed');
  assert.equal((await recordedBrokerStatus(dir)).state, 'ready', 'the first broker is untouched');
});

test('a port already in use is refused with the port named', async () => {
  const port = Number(testBrokers()[0].split(':')[1]);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ps-port-test-'));
  try {
    await assert.rejects(new LocalBroker({ dataDir: dir, port }).start(), (error: Error) => {
      assert.ok(error instanceof InputError);
      assert.equal(
        error.message,
        `port ${port} on 127.0.0.1 is already in use — stop what uses it or choose another --port`,
      );
      return true;
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
