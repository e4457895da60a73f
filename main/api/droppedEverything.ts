// Notices a stream whose transform let no row through: once the producer is done and the workers
// have consumed every row it sent, not one output row means the transform drops everything —
// the user sees that said instead of an empty chart.
import type { StreamProgress, WorkerInfo } from './contract';

export class DroppedEverythingWatch {
  /** the most each worker (by id) has reported consuming */
  private readonly consumed = new Map<string, number>();
  private sawOutput = false;
  private said = false;

  workers(workers: readonly WorkerInfo[]): void {
    for (const worker of workers) {
      this.consumed.set(worker.id, Math.max(this.consumed.get(worker.id) ?? 0, worker.rowsIn));
      if (worker.rowsOut > 0) this.sawOutput = true;
    }
  }

  /** The sentence to show, once: when every produced row was consumed and none came out. */
  check(progress: StreamProgress): string | null {
    if (this.said || this.sawOutput || progress.state !== 'done' || progress.rowsAcked === 0) {
      return null;
    }
    const consumed = [...this.consumed.values()].reduce((sum, rows) => sum + rows, 0);
    if (consumed < progress.rowsAcked) return null;
    this.said = true;
    return (
      `the transform dropped every row: the workers consumed ${consumed} and wrote none to ` +
      `${progress.outputTopic ?? 'the output topic'} — check its filters`
    );
  }
}
