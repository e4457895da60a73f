// Producer checkpoints: how far a dataset → topic stream has been acknowledged, in a small
// JSON file per (dataset path, topic), replaced atomically (write a temp file, then rename)
// so a crash leaves either the old or the new checkpoint, never a torn one.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { InputError } from '../shared/errors';

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
    );
  }
}

export async function writeCheckpointAtomically(
  file: string,
  checkpoint: Checkpoint,
): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, JSON.stringify(checkpoint, null, 2) + '\n');
  await fs.rename(temporary, file);
}

/**
 * Persists the newest checkpoint offered at most once per interval, one write at a time,
 * and everything outstanding on flush().
 */
export class CheckpointWriter {
  private pending: Checkpoint | null = null;
  private lastWriteAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    readonly file: string,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {}

  offer(checkpoint: Checkpoint): void {
    this.pending = checkpoint;
    if (this.timer) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.writePending();
    }, wait);
  }

  /** Writes what is pending now and waits for every write; rethrows a failed write. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.writePending();
    await this.writing;
    if (this.failure) throw this.failure;
  }

  private writePending(): void {
    const checkpoint = this.pending;
    if (!checkpoint) return;
    this.pending = null;
    this.lastWriteAt = this.now();
    this.writing = this.writing.then(() =>
      writeCheckpointAtomically(this.file, checkpoint).catch((error: unknown) => {
        this.failure = error;
      }),
    );
  }
}
