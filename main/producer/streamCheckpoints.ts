// A run's checkpoints: as the acknowledged frontier moves, the position before which every row
// is in the topic, the reader slice to re-read from, and per partition the offset from which a
// later --resume scans for rows this run may have sent past the frontier.
import { CheckpointWriter, writeCheckpointAtomically, type Checkpoint } from './checkpointStore';
import type { SliceMark } from './messageChunk';

/** What every checkpoint of a run repeats. */
export type CheckpointBase = Omit<
  Checkpoint,
  'nextPosition' | 'slice' | 'scanFrom' | 'complete' | 'updatedAt'
>;

export interface ResumeState {
  rangeStart: number;
  shuffle: boolean;
  /** rows a crashed earlier run already delivered, skipped by this one */
  skipRows: ReadonlySet<number>;
  /** the previous checkpoint's scan offsets, in force until the stream passes skipRows */
  scanFromCarried: Record<string, string> | null;
  /** per partition, the topic's end offset when this run started */
  runStartOffsets: ReadonlyMap<number, bigint>;
}

export class StreamCheckpoints {
  private readonly writer: CheckpointWriter;
  /** rows skipped on resume so far, and the stream position of the last one */
  private rowsSkipped = 0;
  private lastSkippedPosition = -1;

  constructor(
    file: string,
    private readonly base: CheckpointBase,
    private readonly resume: ResumeState,
  ) {
    this.writer = new CheckpointWriter(file);
  }

  /** A row at `position` was skipped: an interrupted run delivered it. */
  skipped(position: number): void {
    this.rowsSkipped++;
    this.lastSkippedPosition = position;
  }

  /** Writes a checkpoint now (before the first send), without the throttle. */
  writeNow(position: number, slice: SliceMark): Promise<void> {
    return writeCheckpointAtomically(this.writer.file, this.at(position, slice, false, new Map()));
  }

  /** Offers the frontier's checkpoint; written at most a few times a second. */
  offer(
    position: number,
    slice: SliceMark,
    complete: boolean,
    offsetEnds: ReadonlyMap<number, bigint>,
  ): void {
    this.writer.offer(this.at(position, slice, complete, offsetEnds));
  }

  /** Writes what was offered and waits for it; rethrows a failed write. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /**
   * `offsetEnds`: per partition, the offset just after the acknowledged prefix's newest
   * message (InflightChunks.prefixOffsetEnds).
   */
  private at(
    nextPosition: number,
    slice: SliceMark,
    complete: boolean,
    offsetEnds: ReadonlyMap<number, bigint>,
  ): Checkpoint {
    return {
      ...this.base,
      nextPosition,
      slice: this.resume.shuffle
        ? slice
        : { firstRow: this.resume.rangeStart + nextPosition, position: nextPosition },
      scanFrom: this.scanFrom(nextPosition, offsetEnds),
      complete,
      updatedAt: new Date().toISOString(),
    };
  }

  /**
   * Per partition, where rows at or after `nextPosition` may start. Until the stream has
   * passed every row skipped on resume, those rows sit before this run's offsets, so the
   * previous checkpoint's offsets stay in force.
   */
  private scanFrom(
    nextPosition: number,
    offsetEnds: ReadonlyMap<number, bigint>,
  ): Record<string, string> {
    const { skipRows, scanFromCarried, runStartOffsets } = this.resume;
    const skipsAhead = this.rowsSkipped < skipRows.size || nextPosition <= this.lastSkippedPosition;
    if (scanFromCarried && skipsAhead) return scanFromCarried;
    const scanFrom: Record<string, string> = {};
    for (const [partition, start] of runStartOffsets) {
      scanFrom[partition] = String(offsetEnds.get(partition) ?? start);
    }
    return scanFrom;
  }
}
