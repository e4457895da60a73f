// The supervisor's pure policies: restart backoff and port choice (the event throttle is main/shared/trailingThrottle, tested with it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocatePort } from '../../main/supervisor/portAllocator';
import { nextCrashCount, restartDelayMs } from '../../main/supervisor/restartBackoff';

const policy = { initialMs: 500, maxMs: 8_000, stableAfterMs: 30_000 };

test('restart delay doubles with each crash in a row, up to the maximum', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 50].map((n) => restartDelayMs(n, policy)),
    [500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000],
  );
});

test('a worker that ran long enough starts the crash count again', () => {
  assert.equal(nextCrashCount(4, 1_000, policy), 5);
  assert.equal(nextCrashCount(4, 30_000, policy), 1);
  assert.equal(nextCrashCount(0, 10, policy), 1);
});

test('ports: the lowest free one, skipping ports of other workers and busy ones', async () => {
  const busy = new Set([6067]);
  const isFree = async (_host: string, port: number) => !busy.has(port);
  assert.equal(await allocatePort('127.0.0.1', 6066, new Set(), isFree), 6066);
  assert.equal(await allocatePort('127.0.0.1', 6066, new Set([6066]), isFree), 6068);
  assert.equal(await allocatePort('127.0.0.1', 6066, new Set([6066, 6068]), isFree), 6069);
  await assert.rejects(
    allocatePort('127.0.0.1', 6066, new Set(), async () => false, 5),
    /no free port from 6066/,
  );
});
