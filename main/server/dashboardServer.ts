// The browser dashboard: an HTTP server on 127.0.0.1 that serves the built renderer and carries
// the engine's commands and events over a WebSocket at /api. Only the page this process opened may
// talk to the engine: the WebSocket needs the per-launch token from the printed URL, an Origin and
// a Host of this server (which also defeats DNS rebinding). Refusals are logged once per source
// a minute, with a count of the ones held back.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  readCommandRequest,
  type CommandReply,
  type EngineHost,
  type EventMessage,
  type EventName,
  type EventPayloads,
} from '../api/contract';
import { dispatchCommand } from '../api/commandDispatcher';
import { EnvironmentError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';
import { LogRateLimiter } from '../shared/logRateLimiter';
import { sendStatus, serveStatic } from './staticFiles';

const API_PATH = '/api';
const MAX_MESSAGE_BYTES = 1024 * 1024;
const REFUSAL_LOG_INTERVAL_MS = 60_000;

export interface DashboardServerOptions {
  host: EngineHost;
  /** TCP port on 127.0.0.1; 0 picks a free one */
  port: number;
  /** the built renderer (dist/renderer) */
  staticDir: string;
  logger?: Logger;
  /** the clock refusal logging is paced by (default Date.now) */
  now?: () => number;
}

export interface DashboardServer {
  /** the address to open, token included */
  url: string;
  port: number;
  close(): Promise<void>;
}

function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startDashboardServer(
  options: DashboardServerOptions,
): Promise<DashboardServer> {
  const logger = options.logger ?? createLogger('dashboard');
  const token = randomBytes(24).toString('base64url');
  let port = options.port;
  const ownHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const refusals = new LogRateLimiter(REFUSAL_LOG_INTERVAL_MS, options.now);
  const logRefusal = (message: string, request: IncomingMessage, origin: string) => {
    const source = request.socket.remoteAddress ?? 'unknown';
    const heldBack = refusals.admit(`${message}\0${source}\0${origin}`);
    if (heldBack === null) return;
    logger.warn(message, { source, origin, ...(heldBack > 0 ? { alsoRefused: heldBack } : {}) });
  };

  const server = createServer((request, response) => {
    if (!ownHosts().includes(request.headers.host ?? '')) {
      sendStatus(response, 421, 'this dashboard only answers on 127.0.0.1');
      return;
    }
    serveStatic(options.staticDir, request, response).catch((error: unknown) => {
      logger.error('static file failed', { url: request.url, error: String(error) });
      response.destroy();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const origin = request.headers.origin ?? '';
    if (url.pathname !== API_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    if (!ownHosts().includes(request.headers.host ?? '')) {
      return rejectUpgrade(socket, 421, 'Misdirected Request');
    }
    if (!ownHosts().some((host) => origin === `http://${host}`)) {
      logRefusal('refused a WebSocket from another origin', request, origin);
      return rejectUpgrade(socket, 403, 'Forbidden');
    }
    if (!sameToken(url.searchParams.get('token'), token)) {
      logRefusal('refused a WebSocket without the launch token', request, origin);
      return rejectUpgrade(socket, 401, 'Unauthorized');
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveClient(ws));
  });

  function serveClient(ws: WebSocket): void {
    const send = (message: CommandReply | EventMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribe = options.host.subscribe(
      <E extends EventName>(event: E, payload: EventPayloads[E]) =>
        send({ event, payload } as EventMessage),
    );
    ws.on('close', unsubscribe);
    ws.on('error', (error) => logger.warn('WebSocket error', { error: error.message }));
    ws.on('message', (data: RawData) => {
      void answer(data).then(send);
    });
  }

  async function answer(data: RawData): Promise<CommandReply> {
    const request = readCommandRequest(data.toString());
    if (!request.ok) return request.reply;
    const { id, command, args } = request;
    return { id, outcome: await dispatchCommand(options.host, command, args, logger) };
  }

  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new EnvironmentError(
              `port ${options.port} on 127.0.0.1 is already in use — choose another with --port, or --port 0 for a free one`,
            )
          : error,
      );
    server.once('error', failed);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', failed);
      resolve();
    });
  });
  server.on('error', (error) => logger.error('dashboard server error', { error: error.message }));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  logger.info('dashboard listening', { port });

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
