// When a stream's workers are ready for its first row: every worker consuming (it joined the
// group, as its /stats says) and their partitions splitting the input topic's among them, each
// held by exactly one worker. While the group rebalances, the workers'
// reports overlap or leave a partition out. A stream whose producer starts before this has its
// first rows wait for the workers, and the charts begin seconds behind.
import type { WorkerInfo } from '../api/contract';
import type { WorkerPool } from './workerPool';

export function partitionsSplit(workers: WorkerInfo[], partitions: number): boolean {
  if (workers.length === 0 || workers.some((worker) => worker.state !== 'running')) return false;
  const held = workers.flatMap((worker) => worker.partitions);
  const distinct = new Set(held.filter((partition) => partition >= 0 && partition < partitions));
  return held.length === partitions && distinct.size === partitions;
}

export interface ReadyWait {
  /** how often the pool's worker table is looked at */
  checkEveryMs?: number;
  timeoutMs: number;
  /** ends the wait early (the stream is closing, the pool gave up a worker) */
  cancelled: () => boolean;
}

/**
 * true once the pool's workers split the partitions; false when the wait timed out, was
 * cancelled or a worker has exited for good (it would never be ready).
 */
export async function workersReady(
  pool: WorkerPool,
  partitions: number,
  wait: ReadyWait,
): Promise<boolean> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const workers = pool.workers();
    if (partitionsSplit(workers, partitions)) return true;
    if (workers.some((worker) => worker.state === 'exited')) return false;
    if (wait.cancelled() || Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, wait.checkEveryMs ?? 100));
  }
}
