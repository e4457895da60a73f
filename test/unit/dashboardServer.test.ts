// The dashboard transport: static files with content types and CSP, no directory traversal,
// WebSockets refused without the launch token (a wrong one of the right length too) or from
// another origin, refusals logged once per source a minute, and a command round trip plus an
// event push over the socket. The engine is a small recording EngineHost.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import {
  commandNames,
  type CommandHandlers,
  type EngineHost,
  type EventListener,
  type WorkerInfo,
} from '../../main/api/contract';
import { startDashboardServer, type DashboardServer } from '../../main/server/dashboardServer';
import { CONTENT_SECURITY_POLICY } from '../../main/server/contentSecurityPolicy';
import { resolveStaticPath } from '../../main/server/rendererFiles';
import { createLogger } from '../../main/shared/logger';

const worker: WorkerInfo = {
  id: 'worker-1',
  pid: 4242,
  port: 6066,
  dataDir: '/tmp/worker1',
  state: 'running',
  rowsIn: 10,
  rowsOut: 8,
  restarts: 0,
  partitions: [0, 1],
};

const listeners = new Set<EventListener>();
const calls: { name: string; args: unknown }[] = [];
const host: EngineHost = {
  handlers: Object.fromEntries(
    commandNames.map((name) => [
      name,
      async (args: unknown) => {
        calls.push({ name, args });
        return [worker];
      },
    ]),
  ) as unknown as CommandHandlers,
  subscribe(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

let root: string;
let staticDir: string;
let dashboard: DashboardServer;
const logLines: string[] = [];
let clockMs = 0;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ps-dashboard-'));
  staticDir = path.join(root, 'renderer');
  await mkdir(path.join(staticDir, 'assets'), { recursive: true });
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>PS</title>');
  await writeFile(path.join(staticDir, 'app.js'), 'console.log(1);');
  await writeFile(path.join(staticDir, 'assets', 'app.css'), 'body{}');
  await writeFile(path.join(root, 'secret.txt'), 'not for the browser');
  dashboard = await startDashboardServer({
    host,
    port: 0,
    staticDir,
    logger: createLogger('test', (line) => logLines.push(line)),
    now: () => clockMs,
  });
});

after(async () => {
  await dashboard.close();
  await rm(root, { recursive: true, force: true });
});

/** A raw GET (the path is sent exactly as given, no client-side normalisation). */
function get(rawPath: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: dashboard.port,
          path: rawPath,
          headers,
          timeout: 5_000,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end();
    },
  );
}

function origin() {
  return `http://127.0.0.1:${dashboard.port}`;
}

function apiUrl(token: string | null) {
  const base = `ws://127.0.0.1:${dashboard.port}/api`;
  return token === null ? base : `${base}?token=${encodeURIComponent(token)}`;
}

function launchToken() {
  return new URL(dashboard.url).searchParams.get('token') ?? '';
}

/** Resolves with the HTTP status the server refused the upgrade with, or 101 when accepted. */
function upgradeStatus(url: string, headers: { origin?: string } = {}) {
  return new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(url, { ...headers, handshakeTimeout: 5_000 });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', reject);
  });
}

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(apiUrl(launchToken()), { origin: origin(), handshakeTimeout: 5_000 });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message within 5 s')), 5_000);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve(JSON.parse(data.toString()) as Record<string, unknown>);
    });
  });
}

test('the URL is on 127.0.0.1 and carries a random token', () => {
  const url = new URL(dashboard.url);
  assert.equal(url.hostname, '127.0.0.1');
  assert.equal(Number(url.port), dashboard.port);
  assert.ok(launchToken().length >= 32);
});

test('serves the renderer with content types and the CSP', async () => {
  const index = await get('/?token=abc');
  assert.equal(index.status, 200);
  assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(index.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  assert.equal(index.headers['x-content-type-options'], 'nosniff');
  assert.match(index.body, /<title>PS<\/title>/);

  const script = await get('/app.js');
  assert.equal(script.status, 200);
  assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(script.body, 'console.log(1);');

  const style = await get('/assets/app.css');
  assert.equal(style.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal((await get('/missing.js')).status, 404);
  assert.equal((await get('/assets')).status, 404, 'no directory listings');
});

test('never serves a file outside the renderer folder', async () => {
  for (const rawPath of [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/../../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%5csecret.txt',
    '/%00',
  ]) {
    const response = await get(rawPath);
    assert.equal(response.status, 404, rawPath);
    assert.doesNotMatch(response.body, /not for the browser/, rawPath);
  }
  assert.equal(resolveStaticPath(staticDir, '/../secret.txt'), path.join(staticDir, 'secret.txt'));
  assert.equal(resolveStaticPath(staticDir, '/%E0%A4%A'), null, 'malformed escapes');
});

test('answers only requests addressed to 127.0.0.1 or localhost', async () => {
  assert.equal((await get('/', { host: 'attacker.example' })).status, 421);
  assert.equal((await get('/', { host: `localhost:${dashboard.port}` })).status, 200);
});

test('refuses WebSockets without the launch token or from another origin', async () => {
  assert.equal(await upgradeStatus(apiUrl(null), { origin: origin() }), 401);
  assert.equal(await upgradeStatus(apiUrl('guessed-token'), { origin: origin() }), 401);
  const token = launchToken();
  const sameLength = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  assert.equal(sameLength.length, token.length);
  assert.equal(await upgradeStatus(apiUrl(sameLength), { origin: origin() }), 401, 'same length');
  const swapped = token.slice(1) + token[0];
  assert.equal(await upgradeStatus(apiUrl(swapped), { origin: origin() }), 401, 'same letters');
  assert.equal(await upgradeStatus(apiUrl(launchToken()), { origin: 'http://evil.example' }), 403);
  assert.equal(await upgradeStatus(apiUrl(launchToken())), 403, 'no Origin header');
  assert.equal(
    await upgradeStatus(`ws://127.0.0.1:${dashboard.port}/other?token=${launchToken()}`, {
      origin: origin(),
    }),
    404,
  );
  assert.equal(await upgradeStatus(apiUrl(launchToken()), { origin: origin() }), 101);
});

test('refused WebSockets are logged once per source a minute, with the count held back', async () => {
  const refusedLines = () => logLines.filter((line) => line.includes('refused a WebSocket'));
  logLines.length = 0;
  clockMs = 10 * 60_000;
  for (let i = 0; i < 4; i++) {
    assert.equal(await upgradeStatus(apiUrl('wrong'), { origin: origin() }), 401);
  }
  assert.equal(await upgradeStatus(apiUrl(launchToken()), { origin: 'http://evil.example' }), 403);
  assert.equal(refusedLines().length, 2, refusedLines().join('\n'));
  assert.match(refusedLines()[0]!, /WARN \[test\] refused a WebSocket without the launch token/);
  assert.match(refusedLines()[0]!, /"source":"127\.0\.0\.1"/);
  assert.match(refusedLines()[1]!, /refused a WebSocket from another origin .*evil\.example/);
  clockMs += 60_000;
  assert.equal(await upgradeStatus(apiUrl('wrong'), { origin: origin() }), 401);
  assert.equal(refusedLines().length, 3);
  assert.match(refusedLines()[2]!, /without the launch token .*"alsoRefused":3/);
});

test('a command goes round trip and events are pushed', async () => {
  const ws = await connect();
  try {
    calls.length = 0;
    let reply = nextMessage(ws);
    ws.send(JSON.stringify({ id: 7, command: 'scaleWorkers', args: { count: 1 } }));
    assert.deepEqual(await reply, { id: 7, outcome: { ok: true, value: [worker] } });
    assert.deepEqual(calls, [{ name: 'scaleWorkers', args: { count: 1 } }]);

    reply = nextMessage(ws);
    ws.send(JSON.stringify({ id: 8, command: 'scaleWorkers', args: { count: -1 } }));
    const refused = await reply;
    assert.equal(refused.id, 8);
    assert.match(JSON.stringify(refused.outcome), /"ok":false,"error":"scaleWorkers: count: /);

    reply = nextMessage(ws);
    ws.send('not json');
    assert.deepEqual(await reply, {
      id: null,
      outcome: { ok: false, error: 'request is not JSON' },
    });

    const pushed = nextMessage(ws);
    for (const listener of listeners) listener('workers', [worker]);
    assert.deepEqual(await pushed, { event: 'workers', payload: [worker] });
    assert.equal(calls.length, 1, 'invalid requests never reach the engine');
  } finally {
    ws.close();
  }
});

/** Waits (at most 5 s) until the engine has exactly `count` event listeners. */
async function listenerCount(count: number): Promise<number> {
  const deadline = Date.now() + 5_000;
  while (listeners.size !== count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return listeners.size;
}

test('a closed socket unsubscribes from engine events', async () => {
  const ws = await connect();
  assert.equal(await listenerCount(1), 1, 'only this socket listens once earlier ones closed');
  ws.close();
  assert.equal(await listenerCount(0), 0);
});
