// How much of a fetched batch the chart feed reads. The charts only ever draw the latest rows
// (a window of N rows, or of T seconds capped at MAX_WINDOW_ROWS), so a feed that has fallen
// behind parses only the tail of each partition it still needs and jumps over the rest: within
// a batch it skips the messages that later rows of the same partition will push out anyway, and
// when a whole batch is that old it seeks the partition to a little before its end. A window of
// N rows over P partitions then holds about the latest N/P rows of each.
import { DEFAULT_WINDOW_ROWS, MAX_WINDOW_ROWS, type ChartWindow } from './chartSpec';

/** One fetched batch of one partition, as kafkajs describes it. */
export interface FetchedBatch {
  /** data messages in the batch (aborted rows and transaction markers already left out) */
  messages: number;
  /** offset of the batch's last message */
  lastOffset: number;
  /** the partition's end offset when it was fetched */
  highWatermark: number;
}

export interface CatchUpPlan {
  /** index of the first message to parse; those before it are skipped */
  parseFrom: number;
  /** where to seek the partition next, or null to read on */
  seekTo: number | null;
  /** rows (at most: offsets also hold transaction markers) the plan skips, in the batch and by seeking */
  skipped: number;
}

/**
 * Offsets kept in addition when seeking: transaction markers and aborted rows take offsets too,
 * so the rows after a seek are a little fewer than the offsets.
 */
export function seekMargin(keep: number): number {
  return Math.ceil(keep / 10) + 100;
}

/**
 * The rows per partition the charts need: the largest window (a time window: its row cap),
 * shared among the partitions.
 */
export function rowsToKeep(windows: readonly ChartWindow[], partitions = 1): number {
  const rows =
    windows.length === 0
      ? DEFAULT_WINDOW_ROWS
      : Math.max(...windows.map((window) => ('rows' in window ? window.rows : MAX_WINDOW_ROWS)));
  return Math.ceil(rows / Math.max(1, partitions));
}

/** What to read of a batch so that the last `keep` rows of its partition are read. */
export function catchUp(batch: FetchedBatch, keep: number): CatchUpPlan {
  // offsets still to come after this batch: an upper bound on the partition's newer rows
  const after = Math.max(0, batch.highWatermark - 1 - batch.lastOffset);
  const margin = seekMargin(keep);
  if (after >= keep + margin) {
    const seekTo = batch.highWatermark - keep - margin;
    const jumped = seekTo - (batch.lastOffset + 1);
    return {
      parseFrom: batch.messages,
      seekTo: jumped > 0 ? seekTo : null,
      skipped: batch.messages + Math.max(0, jumped),
    };
  }
  const parseFrom = Math.max(0, batch.messages - Math.max(0, keep + margin - after));
  return { parseFrom, seekTo: null, skipped: parseFrom };
}
