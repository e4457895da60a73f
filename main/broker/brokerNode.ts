// One KRaft node's Java process (combined broker + controller): write its settings, format its
// storage once with the cluster's id, start it with a watchdog unless detached, and stop it.
// LocalBroker composes one of these per node.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { EnvironmentError } from '../shared/errors';
import {
  LOG4J2_CONFIG,
  renderServerProperties,
  scramFormatArguments,
  type SecuredListener,
} from './brokerConfig';
import { isKafkaProcess, terminate } from './brokerProcess';
import { watchBroker } from './brokerWatchdog';
import type { NodeLayout } from './clusterLayout';
import { javaCommand } from './javaToolchain';
import { classpathOf, type KafkaDistribution } from './kafkaDistribution';

export interface BrokerNodeOptions {
  layout: NodeLayout;
  /** every node of the cluster, this one included */
  cluster: NodeLayout[];
  /** the address the listeners bind */
  host: string;
  /** the name clients and the other nodes reach this node by */
  advertisedHost: string;
  heapMb: number;
  detach: boolean;
  stopTimeoutMs: number;
  /** the broker record, removed by the watchdog when it stops the node */
  recordFile: string;
  /** a SASL_SSL listener besides the PLAINTEXT one (a single node only), users added at format */
  securedListener?: SecuredListener;
}

export class BrokerNode {
  private child: ChildProcess | null = null;
  private watchdog: ChildProcess | null = null;
  /** why the process exited, once it has */
  private exit: string | null = null;

  constructor(private readonly options: BrokerNodeOptions) {}

  get layout(): NodeLayout {
    return this.options.layout;
  }

  get logFile(): string {
    return path.join(this.layout.dataDir, 'broker.log');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** how the process ended ("SIGKILL", "exit code 1"), or null while it runs */
  get exited(): string | null {
    return this.exit;
  }

  /** Writes the settings and formats the storage with `clusterId` unless already formatted. */
  async prepare(distribution: KafkaDistribution, clusterId: string): Promise<void> {
    const { dataDir } = this.layout;
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(
      this.propertiesFile,
      renderServerProperties({
        dataDir,
        host: this.options.host,
        advertisedHost: this.options.advertisedHost,
        nodeId: this.layout.nodeId,
        port: this.layout.port,
        controllerPort: this.layout.controllerPort,
        voters: this.options.cluster,
        securedListener: this.options.securedListener,
      }),
    );
    await fs.writeFile(path.join(dataDir, 'log4j2.yaml'), LOG4J2_CONFIG);
    if (existsSync(path.join(dataDir, 'kraft-logs', 'meta.properties'))) return;
    const { code, output } = await runJava(
      distribution,
      // `=`: one id in 64 starts with '-', which would read as an option
      [
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`,
        '-c',
        this.propertiesFile,
        ...scramFormatArguments(this.options.securedListener),
      ],
      60_000,
    );
    if (code !== 0) {
      throw new EnvironmentError(
        `formatting Kafka storage in ${dataDir} failed: ${firstErrorLine(output)}`,
      );
    }
  }

  /** Starts the Java process; `onExit` hears of it ending while it was wanted. */
  async spawn(distribution: KafkaDistribution, onExit: (reason: string) => void): Promise<number> {
    const { heapMb, detach } = this.options;
    const { dataDir } = this.layout;
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
        this.propertiesFile,
      ],
      { stdio: ['ignore', log.fd, log.fd], detached: detach },
    );
    await log.close();
    this.exit = null;
    if (detach) child.unref();
    else if (child.pid) {
      this.watchdog = watchBroker(child.pid, this.options.recordFile, this.options.stopTimeoutMs);
    }
    this.child = child;
    child.once('exit', (code, signal) => {
      this.exit = signal ?? `exit code ${code}`;
      if (this.child !== child) return;
      this.child = null;
      onExit(this.exit);
    });
    return child.pid ?? -1;
  }

  /** Stops this node's process, or the recorded `pid` when another command started it. */
  async stop(recordedPid?: number): Promise<void> {
    const pid = this.child?.pid ?? recordedPid;
    this.child = null;
    if (pid && isKafkaProcess(pid)) await terminate(pid, this.options.stopTimeoutMs);
    this.watchdog?.kill();
    this.watchdog = null;
  }

  private get propertiesFile(): string {
    return path.join(this.layout.dataDir, 'server.properties');
  }
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

/** The exception line of Java output, not the tail of its stack trace. */
function firstErrorLine(text: string): string {
  const lines = text.trim().split('\n');
  const error = lines.find((line) => /Exception|Error/.test(line) && !/^\s+at /.test(line));
  return (error ?? lines[lines.length - 1] ?? 'no output').trim();
}
