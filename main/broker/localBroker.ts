// The local single-node KRaft broker: provision, format, start, health-check and stop it.
// Used alike by the app, the CLI and the tests. It records itself in <dataDir>/broker.json
// so that a detached broker can be found and stopped by a later command.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import type { BrokerStatus } from '../api/contract';
import { writeJsonAtomically } from '../shared/atomicJson';
import { assertDiskDirectory } from '../shared/diskDirectory';
import { EnvironmentError, InputError, isUserError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';
import {
  LOG4J2_CONFIG,
  renderServerProperties,
  scramFormatArguments,
  type SecuredListener,
} from './brokerConfig';
import { isKafkaProcess, sleep, terminate } from './brokerProcess';
import { watchBroker } from './brokerWatchdog';
import { javaCommand } from './javaToolchain';
import { classpathOf, resolveKafkaDistribution, type KafkaDistribution } from './kafkaDistribution';
import { createKafka } from './kafkaClient';

export const DEFAULT_BROKER_PORT = 9092;
const HOST = '127.0.0.1';

export interface LocalBrokerOptions {
  dataDir: string;
  port?: number;
  /** the KRaft controller's port (default: a free one) */
  controllerPort?: number;
  heapMb?: number;
  /** the broker outlives this process (CLI `broker start --detach`); otherwise a watchdog
   * stops it when this process dies, even by SIGKILL */
  detach?: boolean;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  logger?: Logger;
  /** a SASL_SSL listener besides the PLAINTEXT one, its SCRAM users added at format time */
  securedListener?: SecuredListener;
}

/** What <dataDir>/broker.json records about a running broker. */
export interface BrokerRecord {
  pid: number;
  port: number;
  controllerPort: number;
  version: string;
  startedAt: string;
}

export class LocalBroker extends EventEmitter {
  private readonly options: Required<
    Omit<LocalBrokerOptions, 'logger' | 'controllerPort' | 'securedListener'>
  >;
  private readonly controllerPort: number | undefined;
  private readonly securedListener: SecuredListener | undefined;
  private readonly logger: Logger;
  private child: ChildProcess | null = null;
  private watchdog: ChildProcess | null = null;
  private current: BrokerStatus = { state: 'absent', brokers: [] };

  constructor(options: LocalBrokerOptions) {
    super();
    this.options = {
      port: options.port ?? DEFAULT_BROKER_PORT,
      heapMb: options.heapMb ?? 512,
      detach: options.detach ?? false,
      startTimeoutMs: options.startTimeoutMs ?? 90_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 30_000,
      dataDir: path.resolve(options.dataDir),
    };
    this.controllerPort = options.controllerPort;
    this.securedListener = options.securedListener;
    this.logger = options.logger ?? createLogger('broker');
  }

  get brokers(): string[] {
    return [`${HOST}:${this.options.port}`];
  }

  get logFile(): string {
    return path.join(this.options.dataDir, 'broker.log');
  }

  status(): BrokerStatus {
    return this.current;
  }

  /** Provisions, formats and starts the broker; resolves once a client request succeeds. */
  async start(): Promise<BrokerStatus> {
    try {
      assertDiskDirectory(this.options.dataDir, 'the broker data dir');
      const distribution = await resolveKafkaDistribution((progress, detail) =>
        this.setStatus({ state: 'provisioning', brokers: [], progress, detail }),
      );
      await this.refuseIfRunning();
      await assertPortFree(this.options.port, '--port');
      if (this.controllerPort === this.options.port) {
        throw new InputError(
          `--controller-port and --port are both ${this.options.port} — give them different ports`,
        );
      }
      if (this.controllerPort !== undefined) {
        await assertPortFree(this.controllerPort, '--controller-port');
      }
      if (this.securedListener) {
        await assertPortFree(this.securedListener.port, 'the SASL_SSL listener port');
      }
      const controllerPort = this.controllerPort ?? (await freePort());
      this.setStatus({ state: 'starting', brokers: this.brokers, detail: 'formatting storage' });
      const propertiesFile = await this.writeConfig(controllerPort);
      await this.formatStorageOnce(distribution, propertiesFile);
      this.setStatus({ state: 'starting', brokers: this.brokers, detail: 'starting Kafka' });
      const child = await this.spawnBroker(distribution, propertiesFile);
      await writeRecord(this.options.dataDir, {
        pid: child.pid ?? -1,
        port: this.options.port,
        controllerPort,
        version: distribution.version,
        startedAt: new Date().toISOString(),
      });
      await this.waitUntilReady(child);
      return this.setStatus({
        state: 'ready',
        brokers: this.brokers,
        detail: `Apache Kafka ${distribution.version} on ${this.brokers[0]}`,
      });
    } catch (error) {
      await this.killChild();
      const detail = error instanceof Error ? error.message : String(error);
      this.setStatus({ state: 'failed', brokers: [], detail, logTail: readLogTail(this.logFile) });
      throw isUserError(error) ? error : new EnvironmentError(detail, { cause: error });
    }
  }

  /** Stops the broker this object started, or the one recorded in the data dir. */
  async stop(): Promise<BrokerStatus> {
    this.setStatus({ state: 'stopping', brokers: this.brokers });
    const record = readRecord(this.options.dataDir);
    const pid = this.child?.pid ?? record?.pid;
    if (pid && isKafkaProcess(pid)) {
      await terminate(pid, this.options.stopTimeoutMs);
    }
    this.child = null;
    this.stopWatchdog();
    await fs.rm(recordPath(this.options.dataDir), { force: true });
    return this.setStatus({ state: 'stopped', brokers: [] });
  }

  private setStatus(status: BrokerStatus): BrokerStatus {
    this.current = status;
    this.emit('status', status);
    if (status.state !== 'provisioning') {
      this.logger.info(`broker ${status.state}`, status.detail ? { detail: status.detail } : {});
    }
    return status;
  }

  private async refuseIfRunning(): Promise<void> {
    const record = readRecord(this.options.dataDir);
    if (record && isKafkaProcess(record.pid)) {
      throw new InputError(
        `a broker is already running on data dir ${this.options.dataDir} (pid ${record.pid}, ` +
          `port ${record.port}) — stop it with \`parquet-streamer broker stop --data-dir ` +
          `${this.options.dataDir}\` or choose another --data-dir`,
      );
    }
  }

  private async writeConfig(controllerPort: number): Promise<string> {
    const { dataDir, port } = this.options;
    await fs.mkdir(dataDir, { recursive: true });
    const propertiesFile = path.join(dataDir, 'server.properties');
    await fs.writeFile(
      propertiesFile,
      renderServerProperties({
        dataDir,
        host: HOST,
        port,
        controllerPort,
        securedListener: this.securedListener,
      }),
    );
    await fs.writeFile(path.join(dataDir, 'log4j2.yaml'), LOG4J2_CONFIG);
    return propertiesFile;
  }

  private async formatStorageOnce(
    distribution: KafkaDistribution,
    propertiesFile: string,
  ): Promise<void> {
    const metaFile = path.join(this.options.dataDir, 'kraft-logs', 'meta.properties');
    if (existsSync(metaFile)) return;
    const clusterId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    const { code, output } = await runJava(
      distribution,
      // `=`: one id in 64 starts with '-', which would read as an option
      [
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`,
        '-c',
        propertiesFile,
        ...scramFormatArguments(this.securedListener),
      ],
      60_000,
    );
    if (code !== 0) {
      throw new EnvironmentError(
        `formatting Kafka storage in ${this.options.dataDir} failed: ${firstErrorLine(output)}`,
      );
    }
  }

  private async spawnBroker(
    distribution: KafkaDistribution,
    propertiesFile: string,
  ): Promise<ChildProcess> {
    const { dataDir, heapMb, detach } = this.options;
    const log = await fs.open(this.logFile, 'a');
    const child = spawn(
      javaCommand(),
      [
        `-Xms${Math.min(256, heapMb)}m`,
        `-Xmx${heapMb}m`,
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${path.join(dataDir, 'log4j2.yaml')}`,
        `-Dkafka.logs.dir=${dataDir}`,
        '-cp',
        classpathOf(distribution),
        'kafka.Kafka',
        propertiesFile,
      ],
      { stdio: ['ignore', log.fd, log.fd], detached: detach },
    );
    await log.close();
    if (detach) child.unref();
    else if (child.pid) {
      this.watchdog = watchBroker(child.pid, recordPath(dataDir), this.options.stopTimeoutMs);
    }
    this.child = child;
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      if (this.current.state === 'ready') {
        this.setStatus({
          state: 'failed',
          brokers: [],
          detail: `the broker exited unexpectedly (${signal ?? `exit ${code}`})`,
          logTail: readLogTail(this.logFile),
        });
      }
    });
    return child;
  }

  private async waitUntilReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + this.options.startTimeoutMs;
    let exited: string | null = null;
    child.once('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
    while (Date.now() < deadline) {
      if (exited) {
        throw new EnvironmentError(
          `the broker stopped while starting (${exited}): ${lastErrorLine(this.logFile)} — see ${this.logFile}`,
        );
      }
      if (await respondsToClients(this.brokers)) return;
      await sleep(500);
    }
    throw new EnvironmentError(
      `the broker did not answer on ${this.brokers[0]} within ${this.options.startTimeoutMs / 1000} s — see ${this.logFile}`,
    );
  }

  private async killChild(): Promise<void> {
    const pid = this.child?.pid;
    this.child = null;
    if (pid) await terminate(pid, this.options.stopTimeoutMs);
    this.stopWatchdog();
  }

  private stopWatchdog(): void {
    this.watchdog?.kill();
    this.watchdog = null;
  }
}

/** A real client request (DescribeCluster) succeeds against these brokers. */
export async function respondsToClients(brokers: string[]): Promise<boolean> {
  const admin = createKafka({
    brokers,
    clientId: 'parquet-streamer-health',
    logger: createLogger('health', () => {}),
  }).admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export function readRecord(dataDir: string): BrokerRecord | null {
  try {
    return JSON.parse(readFileSync(recordPath(dataDir), 'utf8')) as BrokerRecord;
  } catch {
    return null;
  }
}

/** Whether a recorded broker is running: its process lives and clients get answers. */
export async function recordedBrokerStatus(dataDir: string): Promise<BrokerStatus> {
  const record = readRecord(path.resolve(dataDir));
  if (!record || !isKafkaProcess(record.pid)) return { state: 'stopped', brokers: [] };
  const brokers = [`${HOST}:${record.port}`];
  const ready = await respondsToClients(brokers);
  return {
    state: ready ? 'ready' : 'starting',
    brokers,
    detail: `Apache Kafka ${record.version}, pid ${record.pid}, since ${record.startedAt}`,
  };
}

function recordPath(dataDir: string): string {
  return path.join(dataDir, 'broker.json');
}

function writeRecord(dataDir: string, record: BrokerRecord): Promise<void> {
  return writeJsonAtomically(recordPath(dataDir), record);
}

export async function assertPortFree(port: number, flag = '--port'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new InputError(
              `port ${port} on ${HOST} is already in use — stop what uses it or choose another ${flag}`,
            )
          : error,
      ),
    );
    server.listen(port, HOST, () => server.close(() => resolve()));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

async function runJava(
  distribution: KafkaDistribution,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(javaCommand(), ['-cp', classpathOf(distribution), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** The last lines of the broker log, read from its last 64 KiB: the log only grows. */
export function readLogTail(logFile: string, lines = 20): string[] {
  const TAIL_BYTES = 64 * 1024;
  let fd: number | undefined;
  try {
    fd = openSync(logFile, 'r');
    const start = Math.max(0, fstatSync(fd).size - TAIL_BYTES);
    const tail = Buffer.alloc(TAIL_BYTES);
    const length = readSync(fd, tail, 0, TAIL_BYTES, start);
    return tail.toString('utf8', 0, length).trimEnd().split('\n').slice(-lines);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function lastErrorLine(logFile: string): string {
  const tail = readLogTail(logFile, 200);
  const error = [...tail].reverse().find((line) => /ERROR|Exception/.test(line));
  return (error ?? tail[tail.length - 1] ?? 'no log output').trim();
}

/** The exception line of Java output, not the tail of its stack trace. */
function firstErrorLine(text: string): string {
  const lines = text.trim().split('\n');
  const error = lines.find((line) => /Exception|Error/.test(line) && !/^\s+at /.test(line));
  return (error ?? lines[lines.length - 1] ?? 'no output').trim();
}
