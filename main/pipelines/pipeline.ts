// The seam between a transform and everything that runs it. A transform (a declarative spec, a
// preset or a JavaScript module) is compiled once into a CompiledTransform; the worker, the
// `transform` preview, the `run` command's local check and the app's preview all run that same
// object and know nothing of any dataset. Window steps keep state per input partition; the
// worker stores it in a compacted changelog topic through the WindowOperator's entries.

/** One row as it travels: the parsed JSON object of a Kafka record value. */
export type Row = Record<string, unknown>;

/** What one step did, counted per batch and added to the worker's totals once committed. */
export interface StepCounter {
  /** 1-based position in the spec's step list, as error messages name it */
  step: number;
  /** the step's type: select, map, filter, derive, cast, window, module */
  type: string;
  /** rows that reached the step */
  in: number;
  /** rows (or window results) the step passed on */
  out: number;
  /** rows the step dropped on purpose (a filter, an unmapped value) */
  dropped: number;
  /** rows the step could not handle (a string where a number was expected); also not passed on */
  errors: number;
  /** window steps: rows later than the grace period, counted and not aggregated */
  late: number;
}

/** Counters for every step of a transform, in step order; fresh per batch, merged on commit. */
export type StepTally = StepCounter[];

/** Told about a row a step could not handle; the compiled transform calls it for the first few per step. */
export type RowErrorReporter = (error: {
  step: number;
  type: string;
  message: string;
  row: Row;
}) => void;

/** Stateless steps: each input row becomes zero or more output rows. */
export interface RowStage {
  run(rows: readonly Row[], tally: StepTally): Row[];
  /** one row's outputs appended to `out`, with no array made for the row itself */
  runInto(row: Row, tally: StepTally, out: Row[]): void;
}

/**
 * A window step's state for one input partition. Opaque to the worker, which only stores the
 * entries the operator hands out (key → value, null meaning deleted) in the changelog.
 */
export interface WindowState {
  readonly openWindows: number;
  /** approximate bytes the state's entries take in the changelog */
  readonly sizeBytes: number;
}

export interface WindowBatchResult {
  /** window results to pass to the steps after the window (closed windows, or updates) */
  results: Row[];
  /** changelog entries to write in the same transaction, in order; null value = delete */
  changes: [key: string, value: string | null][];
}

/** An input partition and how far its event time had come (the highest seen so far). */
export interface SourceTime {
  partition: number;
  streamTime: number;
}

/** Where a batch's rows came from, for an event-time window fed by several input partitions. */
export interface BatchSources {
  /** per row, in the order of the rows: its input partition and that one's stream time, row included */
  rows: readonly (SourceTime | null)[];
  /** input partitions' stream times from progress markers (batches that sent no row here) */
  progress: readonly SourceTime[];
}

/**
 * Tumbling or hopping windows per key over event time or processing time. `process` mutates the
 * state; after an aborted transaction the worker rebuilds the partition's state from its
 * changelog, so the operator never has to undo anything. A state made for `sources` input
 * partitions (event time only) closes a window once every one of them has passed it.
 */
export interface WindowOperator {
  /** the fields whose values make up a row's window key */
  readonly keyFields: readonly string[];
  /** the event time of a row the step would aggregate; null for an error row or processing time */
  eventTime(row: Row): number | null;
  emptyState(sources?: number): WindowState;
  /** a partition's state rebuilt from its changelog entries, oldest first (last value wins) */
  restore(entries: Iterable<[key: string, value: string | null]>, sources?: number): WindowState;
  /** adds one batch of one partition; nowMs is processing time */
  process(
    state: WindowState,
    rows: readonly Row[],
    nowMs: number,
    tally: StepCounter,
    sources?: BatchSources,
  ): WindowBatchResult;
}

/** The window step and what follows it. */
export interface WindowStage {
  /** index into the transform's StepTally of the window step */
  readonly tallyIndex: number;
  readonly operator: WindowOperator;
  /** the steps after the window, applied to each window result */
  readonly tail: RowStage;
}

/** A transform ready to run: the steps before the first window, then the window stage if any. */
export interface CompiledTransform {
  /** what to call it in logs, /stats and the UI: a preset name, a spec file or a module path */
  readonly name: string;
  /** the steps before the window (all of them when there is no window step) */
  readonly head: RowStage;
  readonly window: WindowStage | null;
  /** the top-level input fields the transform reads, when it reads no others; null: any */
  readonly inputFields: readonly string[] | null;
  /** a zeroed tally with one counter per step */
  newTally(): StepTally;
}

/** Adds `delta` into `total`, step by step (both from the same transform). */
export function addTally(total: StepTally, delta: StepTally): void {
  delta.forEach((counter, index) => {
    const into = total[index];
    if (!into) return;
    into.in += counter.in;
    into.out += counter.out;
    into.dropped += counter.dropped;
    into.errors += counter.errors;
    into.late += counter.late;
  });
}
