// Faust-style service lifecycle: a worker is a tree of services that start in order and stop in
// reverse order, so the data dir is locked before anything uses it and released after all else.
import type { Logger } from '../shared/logger';

export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export class ServiceTree implements Service {
  private started: Service[] = [];

  constructor(
    readonly name: string,
    private readonly children: Service[],
    private readonly logger: Logger,
  ) {}

  /** Starts the children in order; if one fails, stops those already started and rethrows. */
  async start(): Promise<void> {
    for (const child of this.children) {
      try {
        this.logger.debug('starting service', { service: child.name });
        await child.start();
        this.started.push(child);
      } catch (error) {
        await this.stop();
        throw error;
      }
    }
  }

  /** Stops the started children in reverse order; a failing stop is logged and the rest still stop. */
  async stop(): Promise<void> {
    const started = this.started.reverse();
    this.started = [];
    for (const child of started) {
      try {
        this.logger.debug('stopping service', { service: child.name });
        await child.stop();
      } catch (error) {
        this.logger.error('service did not stop cleanly', {
          service: child.name,
          error: String(error),
        });
      }
    }
  }
}
