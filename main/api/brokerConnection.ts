// The cluster the engine talks to: an existing one (--brokers), or the local broker, which
// it starts on demand or adopts when a broker recorded in the same data dir already runs. For a
// local cluster of several nodes it asks every few seconds how each node is doing.
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
}

const NODE_POLL_MS = 3_000;

export class BrokerConnection extends EventEmitter {
  private readonly local: LocalBroker | null;
  private current: BrokerStatus;
  private starting: Promise<BrokerStatus> | null = null;
  /** true when this process started the local broker and so must stop it */
  private owned = false;
  private nodePoll: NodeJS.Timeout | null = null;

  constructor(private readonly options: BrokerConnectionOptions) {
    super();
    if (options.brokers && options.brokers.length > 0) {
      this.local = null;
      this.current = {
        state: 'external',
        brokers: options.brokers,
        detail: `cluster at ${options.brokers.join(',')}`,
      };
    } else {
      this.local = new LocalBroker({
        dataDir: options.dataDir,
        port: options.port,
        nodes: options.nodes,
        logger: options.logger,
      });
      this.local.on('status', (status: BrokerStatus) => this.publish(status));
      this.current = { state: 'absent', brokers: [], detail: 'the local broker is not running' };
    }
  }

  status(): BrokerStatus {
    return this.current;
  }

  /** Starts (or adopts) the local broker; for an external cluster, just reports it. */
  async start(): Promise<BrokerStatus> {
    if (!this.local) return this.current;
    if (this.current.state === 'ready') return this.current;
    this.starting ??= this.startLocal(this.local).finally(() => (this.starting = null));
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
    if (!this.local) return this.current;
    await this.starting?.catch(() => undefined);
    this.stopNodePoll();
    await this.local.stop();
    this.owned = false;
    return this.current;
  }

  /** Stops the local broker only if this process started it. */
  async close(): Promise<void> {
    this.stopNodePoll();
    if (this.owned) await this.stop();
  }

  private async startLocal(local: LocalBroker): Promise<BrokerStatus> {
    const recorded = await recordedBrokerStatus(this.options.dataDir);
    if (recorded.state === 'ready') {
      this.pollNodes(recorded);
      return this.publish({ ...recorded, detail: `using the running broker: ${recorded.detail}` });
    }
    const status = await local.start();
    this.owned = true;
    this.pollNodes(status);
    return status;
  }

  /** For a cluster of several nodes: publishes each node's state when it changes. */
  private pollNodes(status: BrokerStatus): void {
    if ((status.nodes ?? []).length < 2 || this.nodePoll) return;
    let polling = false;
    this.nodePoll = setInterval(() => {
      if (polling || this.current.state !== 'ready') return;
      polling = true;
      void recordedBrokerStatus(this.options.dataDir)
        .then(({ nodes }) => {
          if (this.nodePoll && JSON.stringify(nodes) !== JSON.stringify(this.current.nodes)) {
            this.publish({ ...this.current, nodes });
          }
        })
        .catch((error: unknown) => this.options.logger.debug('node poll failed', { error }))
        .finally(() => (polling = false));
    }, NODE_POLL_MS);
    this.nodePoll.unref();
  }

  private stopNodePoll(): void {
    if (this.nodePoll) clearInterval(this.nodePoll);
    this.nodePoll = null;
  }

  private publish(status: BrokerStatus): BrokerStatus {
    this.current = status;
    this.emit('status', status);
    return status;
  }
}
