// Producer checkpoints: how far a dataset → topic stream has been acknowledged, in a small
// JSON file per (dataset path, topic), replaced atomically (main/shared/atomicJson.ts) so a
// crash leaves either the old or the new checkpoint, never a torn one.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { writeJsonAtomically } from '../shared/atomicJson';
import { InputError } from '../shared/errors';
import { TrailingThrottle } from '../shared/trailingThrottle';

/** The options that decide which rows are streamed and in what order. */
export interface StreamOrder {
  offset: number;
  limit: number | null;
  shuffle: boolean;
  /** the shuffle seed actually used (null without --shuffle) */
  seed: number | null;
}

export interface Checkpoint {
  version: 1;
  dataset: string;
  topic: string;
  order: StreamOrder;
  rowsTotal: number;
  /** every row before this position of the stream order is acknowledged */
  nextPosition: number;
  /** the reader slice that holds nextPosition: its first dataset row and its stream position */
  slice: { firstRow: number; position: number };
  /** per partition, the offset from which rows at or after nextPosition may be in the topic */
  scanFrom: Record<string, string>;
  complete: boolean;
  updatedAt: string;
}

export function checkpointFile(checkpointDir: string, dataset: string, topic: string): string {
  const id = createHash('sha256')
    .update(path.resolve(dataset) + '\0' + topic)
    .digest('hex')
    .slice(0, 20);
  return path.join(checkpointDir, `${id}.json`);
}

/** Reads a checkpoint; null when there is none. A damaged file is a one-line error. */
export async function readCheckpoint(file: string): Promise<Checkpoint | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const checkpoint = JSON.parse(text) as Checkpoint;
    if (checkpoint.version !== 1 || typeof checkpoint.nextPosition !== 'number') {
      throw new Error('unknown layout');
    }
    return checkpoint;
  } catch (error) {
    throw new InputError(
      `checkpoint ${file} is damaged (${(error as Error).message}) — delete it and produce without --resume`,
      { field: 'resume' },
    );
  }
}

export function writeCheckpointAtomically(file: string, checkpoint: Checkpoint): Promise<void> {
  return writeJsonAtomically(file, checkpoint);
}

/**
 * Persists the newest checkpoint offered at most once per interval, one write at a time,
 * and everything outstanding on flush().
 */
export class CheckpointWriter {
  private pending: Checkpoint | null = null;
  private readonly throttle: TrailingThrottle;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    readonly file: string,
    intervalMs = 250,
    now: () => number = () => performance.now(),
  ) {
    this.throttle = new TrailingThrottle(intervalMs, () => this.writePending(), now);
  }

  offer(checkpoint: Checkpoint): void {
    this.pending = checkpoint;
    this.throttle.request();
  }

  /** Writes what is pending now and waits for every write; rethrows a failed write. */
  async flush(): Promise<void> {
    this.throttle.cancel();
    this.writePending();
    await this.writing;
    if (this.failure) throw this.failure;
  }

  private writePending(): void {
    const checkpoint = this.pending;
    if (!checkpoint) return;
    this.pending = null;
    this.writing = this.writing.then(() =>
      writeCheckpointAtomically(this.file, checkpoint).catch((error: unknown) => {
        this.failure = error;
      }),
    );
  }
}
