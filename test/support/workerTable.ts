// A worker pool whose worker table a test writes by hand, and the rows of that table: how tests
// play a pool's reports during a start or a rebalance without running workers.
import { EventEmitter } from 'node:events';
import type { WorkerInfo, WorkerState } from '../../main/api/contract';
import type { WorkerPool } from '../../main/supervisor/workerPool';

export function workerRow(id: string, state: WorkerState, partitions: number[]): WorkerInfo {
  const dataDir = `/tmp/${id}`;
  return { id, pid: 1, port: 6066, dataDir, state, rowsIn: 0, rowsOut: 0, restarts: 0, partitions };
}

export class TablePool extends EventEmitter implements WorkerPool {
  constructor(public table: WorkerInfo[] = []) {
    super();
  }
  workers(): WorkerInfo[] {
    return this.table;
  }
  async scaleTo(): Promise<WorkerInfo[]> {
    return this.table;
  }
  async stop(): Promise<void> {}
}
