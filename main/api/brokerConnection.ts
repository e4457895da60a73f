// The cluster the engine talks to: an existing one (--brokers, or the connection form's "Use
// this cluster"), or the local broker, which it starts on demand or adopts when a broker
// recorded in the same data dir already runs. The user can switch between them between streams.
// For a local cluster of several nodes it asks every few seconds how each node is doing.
import { EventEmitter } from 'node:events';
import { EnvironmentError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { BrokerStatus } from './contract';
import { LocalBroker, recordedBrokerStatus } from '../broker/localBroker';

export interface BrokerConnectionOptions {
  /** an existing cluster; when absent the local broker is used */
  brokers?: string[];
  dataDir: string;
  port?: number;
  /** nodes of a local broker this connection starts (default 1) */
  nodes?: number;
  logger: Logger;
  /** the status the local broker's data dir records (default: ask its nodes) */
  recordedStatus?: (dataDir: string) => Promise<BrokerStatus>;
  /** how often a local cluster's nodes are asked (default 3 s) */
  nodePollMs?: number;
}

const NODE_POLL_MS = 3_000;

export class BrokerConnection extends EventEmitter {
  private local: LocalBroker | null = null;
  private localStatus: BrokerStatus = {
    state: 'absent',
    brokers: [],
    detail: 'the local broker is not running',
  };
  /** the existing cluster in use, or null for the local broker */
  private external: string[] | null;
  private current: BrokerStatus;
  private starting: Promise<BrokerStatus> | null = null;
  /** true when this process started the local broker and so must stop it */
  private owned = false;
  private nodePoll: NodeJS.Timeout | null = null;
  private readonly recordedStatus: (dataDir: string) => Promise<BrokerStatus>;

  constructor(private readonly options: BrokerConnectionOptions) {
    super();
    this.recordedStatus = options.recordedStatus ?? recordedBrokerStatus;
    this.external = options.brokers && options.brokers.length > 0 ? options.brokers : null;
    this.current = this.external ? externalStatus(this.external) : this.localStatus;
  }

  status(): BrokerStatus {
    return this.current;
  }

  /** Uses an existing cluster from now on, or the local broker again (null). */
  useCluster(brokers: string[] | null): BrokerStatus {
    this.external = brokers && brokers.length > 0 ? brokers : null;
    return this.publish(this.external ? externalStatus(this.external) : this.localStatus);
  }

  /** Starts (or adopts) the local broker; for an external cluster, just reports it. */
  async start(): Promise<BrokerStatus> {
    if (this.external) return this.current;
    if (this.localStatus.state === 'ready') return this.localStatus;
    this.starting ??= this.startLocal().finally(() => (this.starting = null));
    return this.starting;
  }

  /** The broker list, once a broker answers; starts the local broker when needed. */
  async ready(): Promise<string[]> {
    const status = await this.start();
    if (status.state !== 'ready' && status.state !== 'external') {
      throw new EnvironmentError(
        `the broker is not ready (${status.state}): ${status.detail ?? ''}`,
      );
    }
    return status.brokers;
  }

  async stop(): Promise<BrokerStatus> {
    if (this.external) return this.current;
    this.stopNodePoll();
    await this.stopLocal();
    return this.current;
  }

  /** Stops the local broker only if this process started it. */
  async close(): Promise<void> {
    this.stopNodePoll();
    if (this.owned) await this.stopLocal();
  }

  private localBroker(): LocalBroker {
    if (!this.local) {
      this.local = new LocalBroker({
        dataDir: this.options.dataDir,
        port: this.options.port,
        nodes: this.options.nodes,
        logger: this.options.logger,
      });
      this.local.on('status', (status: BrokerStatus) => this.publishLocal(status));
    }
    return this.local;
  }

  private async startLocal(): Promise<BrokerStatus> {
    const recorded = await this.recordedStatus(this.options.dataDir);
    if (recorded.state === 'ready') {
      this.pollNodes(recorded);
      return this.publishLocal({
        ...recorded,
        detail: `using the running broker: ${recorded.detail}`,
      });
    }
    const status = await this.localBroker().start();
    this.owned = true;
    this.pollNodes(status);
    return status;
  }

  /** For a cluster of several nodes: publishes each node's state when it changes. */
  private pollNodes(status: BrokerStatus): void {
    if ((status.nodes ?? []).length < 2 || this.nodePoll) return;
    let polling = false;
    this.nodePoll = setInterval(() => {
      if (polling || this.localStatus.state !== 'ready') return;
      polling = true;
      void this.recordedStatus(this.options.dataDir)
        .then(({ nodes }) => {
          if (this.nodePoll && JSON.stringify(nodes) !== JSON.stringify(this.localStatus.nodes)) {
            this.publishLocal({ ...this.localStatus, nodes });
          }
        })
        .catch((error: unknown) => this.options.logger.debug('node poll failed', { error }))
        .finally(() => (polling = false));
    }, this.options.nodePollMs ?? NODE_POLL_MS);
    this.nodePoll.unref();
  }

  private stopNodePoll(): void {
    if (this.nodePoll) clearInterval(this.nodePoll);
    this.nodePoll = null;
  }

  private async stopLocal(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.localBroker().stop();
    this.owned = false;
  }

  /** The local broker's status; shown only while the local broker is the one in use. */
  private publishLocal(status: BrokerStatus): BrokerStatus {
    this.localStatus = status;
    return this.external ? status : this.publish(status);
  }

  private publish(status: BrokerStatus): BrokerStatus {
    this.current = status;
    this.emit('status', status);
    return status;
  }
}

function externalStatus(brokers: string[]): BrokerStatus {
  return { state: 'external', brokers, detail: `cluster at ${brokers.join(',')}` };
}
