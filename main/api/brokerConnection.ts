// The cluster the engine talks to: an existing one (--brokers, or the connection form's "Use
// this cluster"), or the local broker, which it starts on demand or adopts when a broker
// recorded in the same data dir already runs. The user can switch between them between streams.
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
  logger: Logger;
}

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

  constructor(private readonly options: BrokerConnectionOptions) {
    super();
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
    await this.stopLocal();
    return this.current;
  }

  /** Stops the local broker only if this process started it. */
  async close(): Promise<void> {
    if (this.owned) await this.stopLocal();
  }

  private localBroker(): LocalBroker {
    if (!this.local) {
      this.local = new LocalBroker({
        dataDir: this.options.dataDir,
        port: this.options.port,
        logger: this.options.logger,
      });
      this.local.on('status', (status: BrokerStatus) => this.publishLocal(status));
    }
    return this.local;
  }

  private async startLocal(): Promise<BrokerStatus> {
    const recorded = await recordedBrokerStatus(this.options.dataDir);
    if (recorded.state === 'ready') {
      return this.publishLocal({
        ...recorded,
        detail: `using the running broker: ${recorded.detail}`,
      });
    }
    const status = await this.localBroker().start();
    this.owned = true;
    return status;
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
