// The renderer's WebSocket API against the real dashboard server: commands resolve with their
// values, errors reject with the one-line message, events reach `on` listeners until
// unsubscribed, and a closed connection rejects pending commands and announces itself.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import {
  commandNames,
  type BrokerStatus,
  type CommandHandlers,
  type EngineHost,
  type EventListener,
  type EventPayloads,
  type ParquetStreamerApi,
} from '../../main/api/contract';
import { startDashboardServer, type DashboardServer } from '../../main/server/dashboardServer';
import { InputError } from '../../main/shared/errors';
import { createLogger } from '../../main/shared/logger';
import { createWebSocketApi } from '../../renderer/api/webSocketApi';

const ready: BrokerStatus = { state: 'ready', brokers: ['127.0.0.1:9092'] };
const listeners = new Set<EventListener>();
let releaseSlowCommand: () => void = () => {};
let slowCommandArrived: () => void = () => {};

const handlers = Object.fromEntries(
  commandNames.map((name) => [
    name,
    async () => {
      throw new Error(`${name} is not part of this test`);
    },
  ]),
) as unknown as CommandHandlers;
handlers.startBroker = async () => ready;
handlers.openDataset = async ({ path: datasetPath }) => {
  throw new InputError(`${datasetPath} does not exist — check the path`, { field: 'path' });
};
handlers.stopBroker = () =>
  new Promise((resolve) => {
    releaseSlowCommand = () => resolve(ready);
    slowCommandArrived();
  });

const host: EngineHost = {
  handlers,
  subscribe(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

let root: string;
let dashboard: DashboardServer;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ps-wsapi-'));
  await writeFile(path.join(root, 'index.html'), '<!doctype html>');
  dashboard = await startDashboardServer({
    host,
    port: 0,
    staticDir: root,
    logger: createLogger('test', () => {}),
  });
});

after(async () => {
  await dashboard.close();
  await rm(root, { recursive: true, force: true });
});

/** The renderer's API over a ws socket, opened the way the page opens it. */
function connect(token: string | null): { api: ParquetStreamerApi; socket: WebSocket } {
  const url = new URL(dashboard.url);
  const address = `ws://${url.host}/api?token=${encodeURIComponent(token ?? '')}`;
  let socket: WebSocket | undefined;
  const api = createWebSocketApi((events) => {
    socket = new WebSocket(address, { origin: url.origin, handshakeTimeout: 5_000 });
    socket.on('open', () => events.opened());
    socket.on('message', (data) => events.message(data.toString()));
    socket.on('error', () => events.failed());
    socket.on('close', () => events.closed());
    return {
      isOpen: () => socket?.readyState === WebSocket.OPEN,
      send: (data) => socket?.send(data),
    };
  });
  if (!socket) throw new Error('connect did not open a socket');
  return { api, socket };
}

function nextNotice(api: ParquetStreamerApi): Promise<EventPayloads['notice']> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no notice within 5 s')), 5_000);
    const off = api.on('notice', (notice) => {
      clearTimeout(timer);
      off();
      resolve(notice);
    });
  });
}

test('commands resolve with values and reject with the one-line error and its field', async () => {
  const { api, socket } = connect(new URL(dashboard.url).searchParams.get('token'));
  try {
    assert.deepEqual(await api.startBroker({}), ready);
    const missing = '/nowhere.parquet does not exist — check the path';
    await assert.rejects(api.openDataset({ path: '/nowhere.parquet' }), {
      name: 'CommandError',
      message: missing,
      field: { name: 'path', message: missing },
    });
    await assert.rejects(api.scaleWorkers({ count: -1 }), {
      name: 'CommandError',
      message: 'scaleWorkers: count: Too small: expected number to be >=0',
      field: { name: 'count', message: 'Too small: expected number to be >=0' },
    });
    await assert.rejects(api.stopStream({}), {
      name: 'CommandError',
      message: 'internal error: stopStream is not part of this test',
      field: undefined,
    });
  } finally {
    socket.close();
  }
});

test('events reach listeners until they unsubscribe', async () => {
  const { api, socket } = connect(new URL(dashboard.url).searchParams.get('token'));
  try {
    await api.startBroker({}); // connected and subscribed on the server
    const seen: BrokerStatus[] = [];
    const off = api.on('brokerStatus', (status) => seen.push(status));
    const notice = nextNotice(api);
    for (const listener of listeners) {
      listener('brokerStatus', ready);
      listener('notice', { level: 'info', message: 'hello' });
    }
    assert.deepEqual(await notice, { level: 'info', message: 'hello' });
    assert.deepEqual(seen, [ready]);
    off();
    const second = nextNotice(api);
    for (const listener of listeners) {
      listener('brokerStatus', { state: 'stopped', brokers: [] });
      listener('notice', { level: 'info', message: 'again' });
    }
    await second;
    assert.deepEqual(seen, [ready], 'no events after unsubscribing');
  } finally {
    socket.close();
  }
});

test('a refused connection rejects commands and says what to do', async () => {
  const { api } = connect('wrong-token');
  const notice = nextNotice(api);
  await assert.rejects(api.getSnapshot({}), {
    message: 'the dashboard refused the connection — open the exact URL it printed',
  });
  assert.equal((await notice).level, 'error');
});

test('a lost connection rejects the pending command and announces itself', async () => {
  const { api, socket } = connect(new URL(dashboard.url).searchParams.get('token'));
  await api.startBroker({});
  const arrived = new Promise<void>((resolve) => (slowCommandArrived = resolve));
  const pending = api.stopBroker({});
  await arrived;
  const notice = nextNotice(api);
  socket.terminate();
  await assert.rejects(pending, /the connection to the dashboard closed/);
  assert.match((await notice).message, /restart it and open the new URL/);
  await assert.rejects(api.startBroker({}), /the connection to the dashboard closed/);
  releaseSlowCommand();
});
