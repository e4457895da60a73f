// The worker's HTTP port, as Faust workers had: GET /health (200 consuming, 503 otherwise),
// /stats (JSON), /metrics (Prometheus text), /assignment (topic → partitions) and / (an index).
// With a token, every request must carry `Authorization: Bearer <token>` (a port other hosts reach).
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvironmentError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { formatPrometheus, PROMETHEUS_CONTENT_TYPE } from './prometheusText';
import type { Service } from './service';
import { metricFamilies, statsDocument, type WorkerSnapshot } from './workerReport';

export class PortInUseError extends EnvironmentError {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} on ${host} is already in use — choose another --web-port`);
    this.name = 'PortInUseError';
  }
}

const ENDPOINTS = ['/health', '/stats', '/metrics', '/assignment'];

export class WorkerWebServer implements Service {
  readonly name = 'web';
  private server: http.Server | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly snapshot: () => WorkerSnapshot,
    private readonly logger: Logger,
    private readonly token: string | null = null,
  ) {}

  /** The port actually bound (differs from the requested one only when it was 0). */
  boundPort(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.port;
  }

  async start(): Promise<void> {
    const server = http.createServer((request, response) => this.handle(request, response));
    server.keepAliveTimeout = 2_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') reject(new PortInUseError(this.host, this.port));
        else if (error.code === 'EACCES') {
          reject(
            new EnvironmentError(
              `no permission to listen on port ${this.port} — choose a --web-port above 1023`,
            ),
          );
        } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
          reject(new EnvironmentError(`cannot listen on ${this.host} — choose a local --web-host`));
        } else reject(error);
      });
      server.listen(this.port, this.host, () => resolve());
    });
    this.server = server;
    this.logger.info('web port open', { url: `http://${this.host}:${this.boundPort()}/` });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://worker');
    const route = url.pathname.replace(/\/+$/, '') || '/';
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      this.send(response, 405, 'application/json', { error: 'only GET is supported' });
      return;
    }
    if (!this.authorized(request.headers.authorization)) {
      this.send(response, 401, 'application/json', { error: 'send Authorization: Bearer <token>' });
      return;
    }
    const snapshot = this.snapshot();
    switch (route) {
      case '/':
        this.send(response, 200, 'application/json', {
          workerId: snapshot.workerId,
          endpoints: ENDPOINTS,
        });
        return;
      case '/health': {
        const consuming = snapshot.phase === 'consuming';
        this.send(response, consuming ? 200 : 503, 'application/json', { status: snapshot.phase });
        return;
      }
      case '/stats':
        this.send(response, 200, 'application/json', statsDocument(snapshot));
        return;
      case '/metrics':
        this.send(
          response,
          200,
          PROMETHEUS_CONTENT_TYPE,
          formatPrometheus(metricFamilies(snapshot)),
        );
        return;
      case '/assignment':
        this.send(response, 200, 'application/json', snapshot.assignment);
        return;
      default:
        this.send(response, 404, 'application/json', {
          error: `no such endpoint; try ${ENDPOINTS.join(', ')}`,
        });
    }
  }

  private authorized(header: string | undefined): boolean {
    if (this.token === null) return true;
    const given = Buffer.from(header ?? '');
    const wanted = Buffer.from(`Bearer ${this.token}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  private send(
    response: http.ServerResponse,
    status: number,
    contentType: string,
    body: unknown,
  ): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body) + '\n';
    response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
    response.end(text);
  }
}
