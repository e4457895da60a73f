// The local KRaft broker: one node, or a cluster of a few nodes on this machine (--nodes 3:
// replication factor 3, min.insync.replicas 2). Provision, format, start, health-check and
// stop it, and stop or restart one node of it. Used alike by the app, the CLI and the tests.
// It records itself in <dataDir>/broker.json so that a detached broker can be found and
// stopped by a later command, and its cluster id and size in <dataDir>/cluster.json.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import os from 'node:os';
import * as path from 'node:path';
import type { BrokerNodeStatus, BrokerStatus } from '../api/contract';
import { writeJsonAtomically } from '../shared/atomicJson';
import { assertDiskDirectory } from '../shared/diskDirectory';
import { EnvironmentError, InputError, isUserError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';
import { replicationOf, type SecuredListener } from './brokerConfig';
import { BrokerNode } from './brokerNode';
import { isKafkaProcess, sleep, terminate } from './brokerProcess';
import { checkNodeCount, layoutNodes, nodeDataDir, type NodeLayout } from './clusterLayout';
import { resolveKafkaDistribution, type KafkaDistribution } from './kafkaDistribution';
import { createKafka } from './kafkaClient';

export const DEFAULT_BROKER_PORT = 9092;
const HOST = '127.0.0.1';

export interface LocalBrokerOptions {
  dataDir: string;
  /** how many nodes (default 1); node i listens on port + i - 1 */
  nodes?: number;
  port?: number;
  /** the address the nodes listen on (default 127.0.0.1; 0.0.0.0 for other hosts' clients) */
  listenHost?: string;
  /** the name clients reach the nodes by (default: the listen host, or this machine's host
   * name when that is 0.0.0.0 or ::) */
  advertisedHost?: string;
  /** the first node's KRaft controller port, the next ones follow (default: free ones) */
  controllerPort?: number;
  /** Java heap of each node */
  heapMb?: number;
  /** the broker outlives this process (CLI `broker start --detach`); otherwise a watchdog
   * stops it when this process dies, even by SIGKILL */
  detach?: boolean;
  /** default 90 s a node: the nodes start together and share few cores */
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  logger?: Logger;
  /** a SASL_SSL listener besides the PLAINTEXT one, its SCRAM users added at format time */
  securedListener?: SecuredListener;
}

/** What <dataDir>/broker.json records about a running broker, node by node. */
export interface BrokerRecord {
  version: string;
  /** the advertised host of every node (absent in records from before: 127.0.0.1) */
  host?: string;
  startedAt: string;
  nodes: RecordedNode[];
}

export interface RecordedNode {
  nodeId: number;
  pid: number;
  port: number;
  controllerPort: number;
}

/** What `broker start --address-file` writes once the broker answers (removed when it stops). */
export interface BrokerAddress {
  /** the bootstrap list clients pass as --brokers */
  brokers: string[];
  /** the `broker start` process */
  pid: number;
  dataDir: string;
  log: string;
}

/** What <dataDir>/cluster.json keeps: every node is formatted with the same cluster id. */
interface ClusterIdentity {
  clusterId: string;
  nodes: number;
}

export class LocalBroker extends EventEmitter {
  private readonly options: Required<
    Omit<
      LocalBrokerOptions,
      'logger' | 'controllerPort' | 'securedListener' | 'listenHost' | 'advertisedHost'
    >
  >;
  private readonly listenHost: string;
  private readonly advertisedHost: string;
  private readonly controllerPort: number | undefined;
  private readonly securedListener: SecuredListener | undefined;
  private readonly logger: Logger;
  private members: BrokerNode[] = [];
  private distribution: KafkaDistribution | null = null;
  private record: BrokerRecord | null = null;
  private current: BrokerStatus = { state: 'absent', brokers: [] };

  constructor(options: LocalBrokerOptions) {
    super();
    this.options = {
      nodes: options.nodes ?? 1,
      port: options.port ?? DEFAULT_BROKER_PORT,
      heapMb: options.heapMb ?? 512,
      detach: options.detach ?? false,
      startTimeoutMs: options.startTimeoutMs ?? 90_000 * (options.nodes ?? 1),
      stopTimeoutMs: options.stopTimeoutMs ?? 30_000,
      dataDir: path.resolve(options.dataDir),
    };
    this.controllerPort = options.controllerPort;
    this.listenHost = options.listenHost ?? HOST;
    this.advertisedHost = options.advertisedHost ?? advertisedName(this.listenHost);
    if (options.securedListener && this.options.nodes > 1) {
      throw new InputError(
        'a SASL_SSL listener is for a single-node broker — start it with --nodes 1',
      );
    }
    this.securedListener = options.securedListener;
    this.logger = options.logger ?? createLogger('broker');
  }

  /** host:port of every node, the clients' bootstrap list */
  get brokers(): string[] {
    return Array.from(
      { length: this.options.nodes },
      (_, i) => `${this.advertisedHost}:${this.options.port + i}`,
    );
  }

  /** the (first) node's log */
  get logFile(): string {
    return path.join(nodeDataDir(this.options.dataDir, this.options.nodes, 1), 'broker.log');
  }

  status(): BrokerStatus {
    return this.current;
  }

  /** Provisions, formats and starts every node; resolves once all of them are in the cluster. */
  async start(): Promise<BrokerStatus> {
    try {
      checkNodeCount(this.options.nodes);
      assertDiskDirectory(this.options.dataDir, 'the broker data dir');
      const distribution = await resolveKafkaDistribution((progress, detail) =>
        this.setStatus({ state: 'provisioning', brokers: [], progress, detail }),
      );
      this.distribution = distribution;
      await this.refuseIfRunning();
      const layouts = await this.layout();
      if (this.securedListener) {
        await assertPortFree(
          this.securedListener.port,
          'the SASL_SSL listener port',
          this.listenHost,
        );
      }
      const clusterId = await this.clusterIdentity();
      this.setStatus({ state: 'starting', brokers: this.brokers, detail: 'formatting storage' });
      this.members = layouts.map(
        (layout) =>
          new BrokerNode({
            layout,
            cluster: layouts,
            host: this.listenHost,
            advertisedHost: this.advertisedHost,
            heapMb: this.options.heapMb,
            detach: this.options.detach,
            stopTimeoutMs: this.options.stopTimeoutMs,
            recordFile: recordPath(this.options.dataDir),
            securedListener: this.securedListener,
          }),
      );
      await Promise.all(this.members.map((node) => node.prepare(distribution, clusterId)));
      this.setStatus({ state: 'starting', brokers: this.brokers, detail: 'starting Kafka' });
      const nodes: RecordedNode[] = [];
      for (const node of this.members) {
        const pid = await node.spawn(distribution, (reason) => this.nodeExited(node, reason));
        nodes.push({ ...recordedLayout(node.layout), pid });
      }
      this.record = {
        version: distribution.version,
        host: this.advertisedHost,
        startedAt: new Date().toISOString(),
        nodes,
      };
      await writeRecord(this.options.dataDir, this.record);
      await this.waitUntilInCluster(this.members);
      return this.setStatus({
        state: 'ready',
        brokers: this.brokers,
        detail: describeBroker(distribution.version, this.brokers),
        nodes: this.nodeStatuses(),
      });
    } catch (error) {
      await this.stopMembers();
      const detail = error instanceof Error ? error.message : String(error);
      this.setStatus({ state: 'failed', brokers: [], detail, logTail: readLogTail(this.logFile) });
      throw isUserError(error) ? error : new EnvironmentError(detail, { cause: error });
    }
  }

  /** Stops every node this object started, or the ones recorded in the data dir. */
  async stop(): Promise<BrokerStatus> {
    this.setStatus({ state: 'stopping', brokers: this.brokers });
    const recorded = readRecord(this.options.dataDir)?.nodes ?? [];
    await this.stopMembers(recorded);
    this.record = null;
    await fs.rm(recordPath(this.options.dataDir), { force: true });
    return this.setStatus({ state: 'stopped', brokers: [] });
  }

  /** Stops one node of a running cluster (a clean shutdown); the others carry on. */
  async stopNode(nodeId: number): Promise<BrokerStatus> {
    await this.member(nodeId).stop();
    return this.setStatus({ ...this.current, nodes: this.nodeStatuses() });
  }

  /** Starts a stopped node of this cluster again; resolves once it is back in the cluster. */
  async startNode(nodeId: number): Promise<BrokerStatus> {
    const node = this.member(nodeId);
    if (!this.distribution || !this.record || node.pid !== undefined) {
      throw new InputError(`node ${nodeId} is running or its cluster is not — start the broker`);
    }
    const pid = await node.spawn(this.distribution, (reason) => this.nodeExited(node, reason));
    this.record = {
      ...this.record,
      nodes: this.record.nodes.map((entry) =>
        entry.nodeId === nodeId ? { ...entry, pid } : entry,
      ),
    };
    await writeRecord(this.options.dataDir, this.record);
    await this.waitUntilInCluster([node]);
    return this.setStatus({ ...this.current, nodes: this.nodeStatuses() });
  }

  private member(nodeId: number): BrokerNode {
    const node = this.members.find((member) => member.layout.nodeId === nodeId);
    if (!node) {
      throw new InputError(
        `this broker has no node ${nodeId} — its nodes are 1 to ${this.members.length}`,
      );
    }
    return node;
  }

  private setStatus(status: BrokerStatus): BrokerStatus {
    this.current = status;
    this.emit('status', status);
    if (status.state !== 'provisioning') {
      this.logger.info(`broker ${status.state}`, status.detail ? { detail: status.detail } : {});
    }
    return status;
  }

  /** A node's process ended on its own: the cluster fails only when no node is left. */
  private nodeExited(node: BrokerNode, reason: string): void {
    if (this.current.state !== 'ready') return;
    if (this.members.some((member) => member.pid !== undefined)) {
      this.logger.warn(`broker node ${node.layout.nodeId} exited (${reason})`);
      this.setStatus({ ...this.current, nodes: this.nodeStatuses() });
      return;
    }
    this.setStatus({
      state: 'failed',
      brokers: [],
      detail: `the broker exited unexpectedly (${reason})`,
      logTail: readLogTail(node.logFile),
    });
  }

  /** What this process knows of its nodes: running or not (`broker status` asks the cluster). */
  private nodeStatuses(): BrokerNodeStatus[] {
    return this.members.map((node) => ({
      nodeId: node.layout.nodeId,
      address: `${this.advertisedHost}:${node.layout.port}`,
      state: node.pid === undefined ? 'down' : 'up',
      ...(node.pid === undefined ? {} : { pid: node.pid }),
    }));
  }

  private async refuseIfRunning(): Promise<void> {
    const running = (readRecord(this.options.dataDir)?.nodes ?? []).find((node) =>
      isKafkaProcess(node.pid),
    );
    if (running) {
      throw new InputError(
        `a broker is already running on data dir ${this.options.dataDir} (pid ${running.pid}, ` +
          `port ${running.port}) — stop it with \`parquet-streamer broker stop --data-dir ` +
          `${this.options.dataDir}\` or choose another --data-dir`,
      );
    }
  }

  /** Every node's ports, checked free; controller ports are free ones unless given. */
  private async layout(): Promise<NodeLayout[]> {
    const { dataDir, nodes, port } = this.options;
    const clientPorts = Array.from({ length: nodes }, (_, i) => port + i);
    let controllerPorts: number | number[] = this.controllerPort ?? [];
    if (this.controllerPort === undefined) {
      const picked: number[] = [];
      while (picked.length < nodes) {
        const candidate = await freePort();
        if (!picked.includes(candidate) && !clientPorts.includes(candidate)) picked.push(candidate);
      }
      controllerPorts = picked;
    }
    const layouts = layoutNodes(dataDir, nodes, port, controllerPorts);
    for (const layout of layouts) {
      await assertPortFree(layout.port, '--port', this.listenHost);
      if (this.controllerPort !== undefined) {
        await assertPortFree(layout.controllerPort, '--controller-port', this.listenHost);
      }
    }
    return layouts;
  }

  /** The cluster id every node is formatted with; the data dir keeps one cluster size. */
  private async clusterIdentity(): Promise<string> {
    const { dataDir, nodes } = this.options;
    const file = path.join(dataDir, 'cluster.json');
    const known = readJson<ClusterIdentity>(file) ?? legacySingleNode(dataDir);
    if (known && known.nodes !== nodes) {
      throw new InputError(
        `--nodes ${nodes}: data dir ${dataDir} holds a ${known.nodes}-node broker — start it ` +
          `with --nodes ${known.nodes}, or choose another --data-dir`,
      );
    }
    const clusterId =
      known?.clusterId ?? Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    await fs.mkdir(dataDir, { recursive: true });
    await writeJsonAtomically(file, { clusterId, nodes } satisfies ClusterIdentity);
    return clusterId;
  }

  private async waitUntilInCluster(nodes: BrokerNode[]): Promise<void> {
    const deadline = Date.now() + this.options.startTimeoutMs;
    const ids = nodes.map((node) => node.layout.nodeId);
    while (Date.now() < deadline) {
      const stopped = nodes.find((node) => node.exited !== null);
      if (stopped) {
        throw new EnvironmentError(
          `the broker stopped while starting (${stopped.exited}): ${lastErrorLine(stopped.logFile)} — see ${stopped.logFile}`,
        );
      }
      const members = await clusterMembers(this.brokers);
      if (members && ids.every((id) => members.includes(id))) return;
      await sleep(500);
    }
    throw new EnvironmentError(
      `the broker did not answer on ${this.brokers.join(',')} within ${this.options.startTimeoutMs / 1000} s — see ${this.logFile}`,
    );
  }

  /** Stops this object's nodes and any other recorded node process still running. */
  private async stopMembers(recorded: RecordedNode[] = []): Promise<void> {
    const nodes = this.members;
    this.members = [];
    await Promise.all(nodes.map((node) => node.stop()));
    const orphans = recorded.filter((entry) => isKafkaProcess(entry.pid));
    await Promise.all(orphans.map((entry) => terminate(entry.pid, this.options.stopTimeoutMs)));
  }
}

/** The node ids in the cluster's metadata, once a controller is known; null when no answer. */
export async function clusterMembers(brokers: string[]): Promise<number[] | null> {
  return withHealthAdmin(brokers, async (admin) => {
    const cluster = await admin.describeCluster();
    return cluster.controller === null ? null : cluster.brokers.map((broker) => broker.nodeId);
  });
}

/**
 * Each recorded node as the cluster sees it: `down` without a process, `starting` until it is
 * in the metadata, `catching-up` while some partition it holds has it out of sync.
 */
export async function probeNodes(
  nodes: RecordedNode[],
  host: string = HOST,
): Promise<BrokerNodeStatus[]> {
  const running = nodes.filter((node) => isKafkaProcess(node.pid));
  const view = await withHealthAdmin(
    running.map((node) => `${host}:${node.port}`),
    async (admin) => {
      const cluster = await admin.describeCluster();
      const { topics } = await admin.fetchTopicMetadata();
      const behind = new Map<number, number>();
      for (const partition of topics.flatMap((topic) => topic.partitions)) {
        for (const replica of partition.replicas) {
          if (!partition.isr.includes(replica)) behind.set(replica, (behind.get(replica) ?? 0) + 1);
        }
      }
      return { members: cluster.brokers.map((broker) => broker.nodeId), behind };
    },
  );
  return nodes.map((node) => {
    const address = `${host}:${node.port}`;
    if (!running.includes(node)) return { nodeId: node.nodeId, address, state: 'down' };
    const behind = view?.behind.get(node.nodeId) ?? 0;
    const state = !view?.members.includes(node.nodeId)
      ? 'starting'
      : behind > 0
        ? 'catching-up'
        : 'up';
    return {
      nodeId: node.nodeId,
      address,
      state,
      pid: node.pid,
      ...(behind > 0 ? { behind } : {}),
    };
  });
}

async function withHealthAdmin<T>(
  brokers: string[],
  work: (admin: ReturnType<ReturnType<typeof createKafka>['admin']>) => Promise<T | null>,
): Promise<T | null> {
  if (brokers.length === 0) return null;
  const admin = createKafka({
    brokers,
    clientId: 'parquet-streamer-health',
    logger: createLogger('health', () => {}),
  }).admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    return await work(admin);
  } catch {
    return null;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** The broker record of a data dir; a record from before clusters describes its one node. */
export function readRecord(dataDir: string): BrokerRecord | null {
  const record = readJson<BrokerRecord & Partial<RecordedNode>>(recordPath(dataDir));
  if (!record) return null;
  if (Array.isArray(record.nodes)) return record;
  const { pid, port, controllerPort, version, startedAt } = record;
  if (pid === undefined || port === undefined) return null;
  return {
    version,
    startedAt,
    nodes: [{ nodeId: 1, pid, port, controllerPort: controllerPort ?? 0 }],
  };
}

/** Whether a recorded broker is running: its processes live and clients get answers. */
export async function recordedBrokerStatus(dataDir: string): Promise<BrokerStatus> {
  const record = readRecord(path.resolve(dataDir));
  if (!record || !record.nodes.some((node) => isKafkaProcess(node.pid))) {
    return { state: 'stopped', brokers: [] };
  }
  const host = record.host ?? HOST;
  const nodes = await probeNodes(record.nodes, host);
  const brokers = record.nodes.map((node) => `${host}:${node.port}`);
  const answering = nodes.filter((node) => node.state === 'up' || node.state === 'catching-up');
  const single = record.nodes.length === 1;
  return {
    state: answering.length > 0 ? 'ready' : 'starting',
    brokers,
    detail: single
      ? `Apache Kafka ${record.version}, pid ${record.nodes[0]!.pid}, since ${record.startedAt}`
      : `Apache Kafka ${record.version}, ${answering.length} of ${nodes.length} nodes answering, since ${record.startedAt}`,
    nodes,
  };
}

function describeBroker(version: string, brokers: string[]): string {
  if (brokers.length === 1) return `Apache Kafka ${version} on ${brokers[0]}`;
  const { factor, minInSync } = replicationOf(brokers.length);
  return (
    `Apache Kafka ${version}, ${brokers.length} nodes; new topics get replication factor ` +
    `${factor}, min.insync.replicas ${minInSync}`
  );
}

/** A listener on every interface is reached by this machine's name; any other by its address. */
function advertisedName(listenHost: string): string {
  return listenHost === '0.0.0.0' || listenHost === '::' ? os.hostname() : listenHost;
}

function recordedLayout(layout: NodeLayout): Omit<RecordedNode, 'pid'> {
  return { nodeId: layout.nodeId, port: layout.port, controllerPort: layout.controllerPort };
}

/** A single node started before cluster.json existed: its id is in its meta.properties. */
function legacySingleNode(dataDir: string): ClusterIdentity | null {
  try {
    const meta = readFileSync(path.join(dataDir, 'kraft-logs', 'meta.properties'), 'utf8');
    const clusterId = /^cluster\.id=(.+)$/m.exec(meta)?.[1]?.trim();
    return clusterId ? { clusterId, nodes: 1 } : null;
  } catch {
    return null;
  }
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

function recordPath(dataDir: string): string {
  return path.join(dataDir, 'broker.json');
}

function writeRecord(dataDir: string, record: BrokerRecord): Promise<void> {
  return writeJsonAtomically(recordPath(dataDir), record);
}

export async function assertPortFree(
  port: number,
  flag = '--port',
  host: string = HOST,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new InputError(
              `port ${port} on ${host} is already in use — stop what uses it or choose another ${flag}`,
            )
          : error,
      ),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/**
 * Free ports are picked below every common ephemeral range (Linux from 32768, macOS and Windows
 * from 49152): the system hands those to outgoing connections, and one made between the pick and
 * the broker's bind took the port (a cluster's node failed to start with "Address already in
 * use" while the other nodes connected to each other).
 */
const PICK_FROM = 20_000;
const PICK_TO = 32_000;

/** A port of this machine nothing listens on, from PICK_FROM..PICK_TO when one is found there. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = PICK_FROM + Math.floor(Math.random() * (PICK_TO - PICK_FROM));
    try {
      await assertPortFree(port);
      return port;
    } catch {
      // taken: try another
    }
  }
  return systemAssignedPort();
}

function systemAssignedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
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
