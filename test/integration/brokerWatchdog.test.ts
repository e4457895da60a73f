// A broker started in the foreground (as the app and the dashboard start theirs) stops itself
// when its owner dies without a word: `broker start` is SIGKILLed, and its Kafka process must
// exit and its record go, through the watchdog. --controller-port is honoured on the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../main/broker/localBroker';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'parquet-streamer.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('a SIGKILLed owner takes its broker down with it', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ps-watchdog-'));
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const owner = spawn(
    process.execPath,
    [
      BIN,
      'broker',
      'start',
      '--port',
      String(port),
      '--controller-port',
      String(controllerPort),
    ].concat(['--data-dir', dataDir]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  owner.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  owner.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let kafkaPid = 0;
  try {
    await waitFor('broker ready', () => output.includes('broker ready'), 120_000);
    const record = JSON.parse(readFileSync(path.join(dataDir, 'broker.json'), 'utf8')) as {
      nodes: { pid: number; controllerPort: number }[];
    };
    assert.equal(record.nodes.length, 1);
    kafkaPid = record.nodes[0]!.pid;
    assert.equal(record.nodes[0]!.controllerPort, controllerPort);
    assert.match(
      readFileSync(path.join(dataDir, 'server.properties'), 'utf8'),
      new RegExp(`CONTROLLER://127\\.0\\.0\\.1:${controllerPort}`),
    );
    assert.ok(alive(kafkaPid));

    owner.kill('SIGKILL');
    await waitFor('the Kafka process exiting', () => !alive(kafkaPid), 60_000);
    await waitFor('its record going', () => !existsSync(path.join(dataDir, 'broker.json')), 5_000);
  } finally {
    owner.kill('SIGKILL');
    if (kafkaPid && alive(kafkaPid)) process.kill(kafkaPid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
});
