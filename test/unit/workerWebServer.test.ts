// The worker's HTTP port: health follows the phase (503 naming it unless consuming), stats/metrics/assignment read the snapshot,
// and a taken port is a one-line error naming the port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../main/shared/logger';
import type { WorkerSnapshot } from '../../main/worker/workerReport';
import { PortInUseError, WorkerWebServer } from '../../main/worker/workerWebServer';

const quiet = createLogger('test', () => undefined);

function snapshotWith(phase: WorkerSnapshot['phase']): WorkerSnapshot {
  return {
    workerId: 'worker1',
    pid: process.pid,
    group: 'app',
    inputTopic: 'in',
    outputTopic: 'out',
    transform: 'nyc-parking-boroughs',
    phase,
    sinceStart: {
      rowsIn: 5,
      rowsOut: 4,
      rowsDropped: 1,
      transactions: 1,
      aborts: 0,
      claims: 1,
      claimMilliseconds: 20,
    },
    committed: [],
    steps: [],
    windows: [],
    assignment: phase === 'consuming' ? { in: [0, 2] } : {},
    uptimeSeconds: 1,
  };
}

test('serves health, stats, metrics and assignment', async () => {
  let phase: WorkerSnapshot['phase'] = 'starting';
  const server = new WorkerWebServer('127.0.0.1', 0, () => snapshotWith(phase), quiet);
  await server.start();
  const base = `http://127.0.0.1:${server.boundPort()}`;
  try {
    let health = await fetch(`${base}/health`);
    assert.equal(health.status, 503);
    assert.deepEqual(await health.json(), { status: 'starting' });
    phase = 'consuming';
    health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
    await health.text();

    const stats = (await (await fetch(`${base}/stats`)).json()) as Record<string, unknown>;
    assert.equal(stats.workerId, 'worker1');
    assert.equal(stats.rowsIn, 5);
    assert.deepEqual(stats.partitions, [0, 2]);

    const metrics = await fetch(`${base}/metrics`);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(
      await metrics.text(),
      /^parquet_streamer_worker_rows_out_total\{worker="worker1"\} 4$/m,
    );

    assert.deepEqual(await (await fetch(`${base}/assignment/`)).json(), { in: [0, 2] });
    const missing = await fetch(`${base}/nope`);
    assert.equal(missing.status, 404);
    await missing.text();
    const post = await fetch(`${base}/stats`, { method: 'POST' });
    assert.equal(post.status, 405);
    await post.text();
    phase = 'reconnecting';
    health = await fetch(`${base}/health`);
    assert.equal(health.status, 503);
    assert.deepEqual(await health.json(), { status: 'reconnecting' });
    const reconnecting = (await (await fetch(`${base}/stats`)).json()) as Record<string, unknown>;
    assert.equal(reconnecting.status, 'reconnecting');
    phase = 'stopping';
    assert.equal((await fetch(`${base}/health`)).status, 503);
  } finally {
    await server.stop();
  }
});

test('a port in use is a one-line error naming the port', async () => {
  const first = new WorkerWebServer('127.0.0.1', 0, () => snapshotWith('starting'), quiet);
  await first.start();
  const port = first.boundPort();
  try {
    const second = new WorkerWebServer('127.0.0.1', port, () => snapshotWith('starting'), quiet);
    await assert.rejects(second.start(), (error: unknown) => {
      assert.ok(error instanceof PortInUseError);
      assert.equal(
        error.message,
        `port ${port} on 127.0.0.1 is already in use — choose another --web-port`,
      );
      return true;
    });
  } finally {
    await first.stop();
  }
});

test('with a token, every endpoint wants Authorization: Bearer <token>', async () => {
  const token = 'token-for-this-test-only';
  const server = new WorkerWebServer('127.0.0.1', 0, () => snapshotWith('consuming'), quiet, token);
  await server.start();
  const base = `http://127.0.0.1:${server.boundPort()}`;
  try {
    for (const endpoint of ['/', '/health', '/stats', '/metrics', '/assignment']) {
      const bare = await fetch(base + endpoint);
      assert.equal(bare.status, 401, endpoint);
      await bare.text();
      const wrong = await fetch(base + endpoint, {
        headers: { authorization: `Bearer ${token.slice(0, -1)}x` },
      });
      assert.equal(wrong.status, 401, endpoint);
      await wrong.text();
    }
    const stats = await fetch(`${base}/stats`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(stats.status, 200);
    assert.equal(((await stats.json()) as { workerId: string }).workerId, 'worker1');
  } finally {
    await server.stop();
  }
});
