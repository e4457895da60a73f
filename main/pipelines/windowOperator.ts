// Tumbling and hopping windows per key over event time or processing time: the WindowOperator a
// window step runs as. Each partition the step reads has its own state, handed out as changelog
// entries (one per open window and key, plus stream time) that `restore` rebuilds it from. Fed by
// several input partitions (through the repartition topic), event time is kept per input
// partition: a row is late only against its own input partition's stream time, and a window
// closes once every input partition has passed it (the lowest of their stream times, Kafka
// Streams' and Flink's rule), so which rows count does not depend on how the partitions
// interleave. docs/windows.md describes the semantics.
import { InputError } from '../shared/errors';
import type {
  BatchSources,
  Row,
  StepCounter,
  WindowBatchResult,
  WindowOperator,
  WindowState,
} from './pipeline';
import { createAggregator, type AggregateState } from './windowAggregates';
import { parseDuration, type WindowStepSpec } from './windowSpec';
import { eventTimeMs, isoText, windowStarts, windowsInRange } from './windowTime';

/** changelog key of the partition's stream time (window entries start with an ISO date) */
export const STREAM_TIME_ENTRY = 'stream-time';

/** changelog key of one input partition's stream time, in a state fed by several: `stream-time 3` */
export function sourceTimeEntry(partition: number): string {
  return `${STREAM_TIME_ENTRY} ${partition}`;
}

const SOURCE_TIME_ENTRY = /^stream-time (0|[1-9][0-9]{0,8})$/;

/** more windows per row than this (a size far longer than its hop) is surely a mistake */
const MAX_WINDOWS_PER_ROW = 1000;

/** one window of one key */
interface WindowCell {
  readonly start: number;
  readonly key: readonly unknown[];
  /** the key as JSON, how cells are told apart */
  readonly keyText: string;
  readonly states: AggregateState[];
  /** UTF-8 bytes of its changelog entry (key and value) as last written; 0 = never written */
  bytes: number;
}

class PartitionWindows implements WindowState {
  /**
   * The time windows close by: the highest event time seen (processing time: the latest nowMs),
   * or with input partitions the lowest of their stream times; null before any row (before every
   * input partition has one)
   */
  streamTime: number | null = null;
  /** each input partition's stream time, when the state is fed by `sources` of them */
  readonly sourceTimes = new Map<number, number>();
  /** open windows by start, then by key JSON */
  readonly windows = new Map<number, Map<string, WindowCell>>();
  /** open (window, key) pairs: one changelog entry each */
  openWindows = 0;
  windowBytes = 0;
  /** UTF-8 bytes of each stream-time entry */
  readonly timeBytes = new Map<string, number>();

  /** @param sources input partitions feeding the state; null: one stream */
  constructor(readonly sources: number | null) {}

  /** UTF-8 bytes of the live changelog entries (keys and values) */
  get sizeBytes(): number {
    let bytes = this.windowBytes;
    for (const size of this.timeBytes.values()) bytes += size;
    return bytes;
  }

  /** the lowest stream time of the input partitions 0 … sources − 1, null while one has none */
  lowestSourceTime(): number | null {
    let lowest = Infinity;
    for (let partition = 0; partition < this.sources!; partition++) {
      const time = this.sourceTimes.get(partition);
      if (time === undefined) return null;
      lowest = Math.min(lowest, time);
    }
    return lowest === Infinity ? null : lowest;
  }

  setTimeEntry(key: string, value: string): void {
    this.timeBytes.set(key, Buffer.byteLength(key) + Buffer.byteLength(value));
  }

  cell(start: number, keyText: string): WindowCell | undefined {
    return this.windows.get(start)?.get(keyText);
  }

  add(cell: WindowCell): void {
    let keys = this.windows.get(cell.start);
    if (keys === undefined) this.windows.set(cell.start, (keys = new Map()));
    keys.set(cell.keyText, cell);
    this.openWindows += 1;
    this.windowBytes += cell.bytes;
  }

  /** removes and returns the cells of the windows `isClosed` picks */
  close(isClosed: (start: number) => boolean): WindowCell[] {
    const closed: WindowCell[] = [];
    for (const [start, keys] of this.windows) {
      if (!isClosed(start)) continue;
      this.windows.delete(start);
      for (const cell of keys.values()) {
        closed.push(cell);
        this.openWindows -= 1;
        this.windowBytes -= cell.bytes;
      }
    }
    return closed;
  }

  *cells(): Iterable<WindowCell> {
    for (const keys of this.windows.values()) yield* keys.values();
  }
}

export interface WindowStepOperator extends WindowOperator {
  /** a result (final: false) for every window still open in `state`, in result order */
  openResults(state: WindowState): Row[];
}

function entryKey(cell: WindowCell): string {
  return `${isoText(cell.start)} ${cell.keyText}`;
}

const TYPE_RANK: Record<string, number> = { boolean: 1, number: 2, string: 3 };

/** nulls first, then false/true, numbers, text, anything else by its JSON */
function compareKeyValue(a: unknown, b: unknown): number {
  const rankA = a === null ? 0 : (TYPE_RANK[typeof a] ?? 4);
  const rankB = b === null ? 0 : (TYPE_RANK[typeof b] ?? 4);
  if (rankA !== rankB) return rankA - rankB;
  if (rankA === 2) return (a as number) - (b as number);
  const [textA, textB] = rankA === 4 ? [JSON.stringify(a), JSON.stringify(b)] : [a, b];
  return textA! < textB! ? -1 : textA! > textB! ? 1 : 0;
}

/** window start, then key, field by field */
function compareCells(a: WindowCell, b: WindowCell): number {
  if (a.start !== b.start) return a.start - b.start;
  for (let index = 0; index < a.key.length; index++) {
    const order = compareKeyValue(a.key[index], b.key[index]);
    if (order !== 0) return order;
  }
  return 0;
}

export function createWindowOperator(spec: WindowStepSpec): WindowStepOperator {
  const sizeMs = parseDuration(spec.size)!;
  const hopMs = spec.hop === undefined ? sizeMs : parseDuration(spec.hop)!;
  const graceMs = spec.grace === undefined ? 0 : parseDuration(spec.grace)!;
  const keyFields = spec.key ?? [];
  const timeField = spec.time === 'processing' ? null : spec.time.field;
  const emitUpdates = spec.emit === 'update';
  const aggregators = spec.aggregates.map(createAggregator);

  if (Math.ceil(sizeMs / hopMs) > MAX_WINDOWS_PER_ROW) {
    throw new InputError(
      `window step: size ${spec.size} with hop ${spec.hop} puts each row in ${Math.ceil(sizeMs / hopMs)} windows; keep it at most ${MAX_WINDOWS_PER_ROW} with a longer "hop"`,
    );
  }
  const resultFields = [
    'window_start',
    'window_end',
    ...keyFields,
    ...aggregators.map((a) => a.as),
    'final',
  ];
  const repeated = resultFields.find((name, index) => resultFields.indexOf(name) !== index);
  if (repeated !== undefined) {
    throw new InputError(
      `window step: "${repeated}" names two fields of the result; give each key field and aggregate "as" its own name (window_start, window_end and final are taken)`,
    );
  }

  const isClosed = (start: number, streamTime: number) => streamTime >= start + sizeMs + graceMs;

  function own(state: WindowState): PartitionWindows {
    if (!(state instanceof PartitionWindows)) throw new Error('window state from another operator');
    return state;
  }

  function resultRow(cell: WindowCell, final: boolean): Row {
    const row: Row = {
      window_start: isoText(cell.start),
      window_end: isoText(cell.start + sizeMs),
    };
    keyFields.forEach((field, index) => (row[field] = cell.key[index]));
    aggregators.forEach(
      (aggregator, index) => (row[aggregator.as] = aggregator.result(cell.states[index]!)),
    );
    row.final = final;
    return row;
  }

  function encode(cell: WindowCell): string {
    const state = aggregators.map((aggregator, index) => aggregator.canonical(cell.states[index]!));
    return JSON.stringify({ start: cell.start, key: cell.key, state });
  }

  /** the cell an entry's value describes, or null when this step did not write it */
  function decode(key: string, value: string): WindowCell | null {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      return null;
    }
    if (typeof json !== 'object' || json === null) return null;
    const { start, key: cellKey, state } = json as Record<string, unknown>;
    if (!Number.isInteger(start) || !Array.isArray(cellKey) || cellKey.length !== keyFields.length)
      return null;
    if (!Array.isArray(state) || state.length !== aggregators.length) return null;
    if (!state.every((item, index) => aggregators[index]!.accepts(item))) return null;
    const cell: WindowCell = {
      start: start as number,
      key: cellKey,
      keyText: JSON.stringify(cellKey),
      states: state as AggregateState[],
      bytes: Buffer.byteLength(key) + Buffer.byteLength(value),
    };
    return entryKey(cell) === key ? cell : null;
  }

  /** what each aggregate takes from the row; null when a value cannot be aggregated */
  function readRow(row: Row): (number | null)[] | null {
    const values: (number | null)[] = [];
    for (const aggregator of aggregators) {
      const value = aggregator.read(row);
      if (value === undefined) return null;
      values.push(value);
    }
    return values;
  }

  function eventTime(row: Row): number | null {
    if (timeField === null) return null;
    const time = eventTimeMs(row[timeField]);
    return time !== null && windowsInRange(time, sizeMs) && readRow(row) !== null ? time : null;
  }

  /** Raises input partitions' stream times; the stream-time entries that moved, by partition. */
  function advanceSources(
    windows: PartitionWindows,
    sourceTime: { partition: number; streamTime: number },
    moved: Set<number>,
  ): void {
    const { partition, streamTime } = sourceTime;
    if (streamTime <= (windows.sourceTimes.get(partition) ?? -Infinity)) return;
    windows.sourceTimes.set(partition, streamTime);
    moved.add(partition);
  }

  function process(
    state: WindowState,
    rows: readonly Row[],
    nowMs: number,
    tally: StepCounter,
    sources?: BatchSources,
  ): WindowBatchResult {
    const windows = own(state);
    const perSource = windows.sources !== null;
    const streamTimeBefore = windows.streamTime;
    const movedSources = new Set<number>();
    // processing time never runs backwards, even if a restored partition's clock was ahead
    const processingTime = Math.max(nowMs, windows.streamTime ?? -Infinity);
    if (timeField === null) windows.streamTime = processingTime;
    const touched = new Set<WindowCell>();
    tally.in += rows.length;
    for (const [index, row] of rows.entries()) {
      const time = timeField === null ? processingTime : eventTimeMs(row[timeField]);
      const values = time !== null && windowsInRange(time, sizeMs) ? readRow(row) : null;
      // with input partitions, a row must say which one it came from
      const source = perSource ? (sources?.rows[index] ?? null) : null;
      if (time === null || values === null || (perSource && source === null)) {
        tally.errors += 1;
        continue;
      }
      let streamTime: number;
      if (source === null) {
        streamTime = Math.max(time, windows.streamTime ?? -Infinity);
        windows.streamTime = streamTime;
      } else {
        // late or not by its own input partition's order; closed windows stay closed
        streamTime = Math.max(time, source.streamTime);
        advanceSources(windows, { partition: source.partition, streamTime }, movedSources);
      }
      const key = keyFields.map((field) => row[field] ?? null);
      const keyText = JSON.stringify(key);
      let landed = false;
      for (const start of windowStarts(time, sizeMs, hopMs)) {
        if (isClosed(start, streamTime)) continue;
        if (streamTimeBefore !== null && isClosed(start, streamTimeBefore)) continue;
        let cell = windows.cell(start, keyText);
        if (cell === undefined) {
          cell = { start, key, keyText, states: aggregators.map((a) => a.empty()), bytes: 0 };
          windows.add(cell);
        }
        for (let index = 0; index < values.length; index++) {
          const value = values[index]!;
          if (value !== null)
            cell.states[index] = aggregators[index]!.add(cell.states[index]!, value);
        }
        touched.add(cell);
        landed = true;
      }
      if (!landed) tally.late += 1;
    }
    if (perSource) {
      for (const progress of sources?.progress ?? [])
        advanceSources(windows, progress, movedSources);
      windows.streamTime = windows.lowestSourceTime();
    }

    const streamTime = windows.streamTime;
    const closing =
      streamTime === null ? [] : windows.close((start) => isClosed(start, streamTime));
    const open = [...touched].filter((cell) => !isClosed(cell.start, streamTime!));
    const emitted = [
      ...closing.map((cell) => ({ cell, final: true })),
      ...(emitUpdates ? open.map((cell) => ({ cell, final: false })) : []),
    ].sort((a, b) => compareCells(a.cell, b.cell));
    const results = emitted.map(({ cell, final }) => resultRow(cell, final));
    tally.out += results.length;

    const changes: [string, string | null][] = [];
    const written = [
      ...closing.filter((cell) => cell.bytes > 0).map((cell) => ({ cell, open: false })),
      ...open.map((cell) => ({ cell, open: true })),
    ].sort((a, b) => compareCells(a.cell, b.cell));
    for (const { cell, open } of written) {
      const key = entryKey(cell);
      if (open) {
        const value = encode(cell);
        windows.windowBytes -= cell.bytes;
        cell.bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
        windows.windowBytes += cell.bytes;
        changes.push([key, value]);
      } else changes.push([key, null]);
    }
    if (perSource) {
      for (const partition of [...movedSources].sort((a, b) => a - b)) {
        const key = sourceTimeEntry(partition);
        const value = String(windows.sourceTimes.get(partition));
        windows.setTimeEntry(key, value);
        changes.push([key, value]);
      }
    } else if (streamTime !== null && streamTime !== streamTimeBefore) {
      const value = String(streamTime);
      windows.setTimeEntry(STREAM_TIME_ENTRY, value);
      changes.push([STREAM_TIME_ENTRY, value]);
    }
    return { results, changes };
  }

  /** input partitions feeding a state: only event time keeps them apart */
  function sourceCount(sources: number | undefined): number | null {
    return sources === undefined || timeField === null ? null : sources;
  }

  function restore(
    entries: Iterable<[key: string, value: string | null]>,
    sources?: number,
  ): WindowState {
    const latest = new Map<string, string | null>();
    for (const [key, value] of entries) latest.set(key, value);
    const windows = new PartitionWindows(sourceCount(sources));
    for (const [key, value] of latest) {
      if (value === null) continue;
      const source = SOURCE_TIME_ENTRY.exec(key);
      if (key === STREAM_TIME_ENTRY || source !== null) {
        const streamTime = Number(value);
        if (value.trim() === '' || !Number.isFinite(streamTime)) throw notOurs(key);
        // a state kept per input partition is not one kept for one stream, nor the reverse
        if ((source !== null) !== (windows.sources !== null)) throw notOurs(key);
        if (source === null) windows.streamTime = streamTime;
        else windows.sourceTimes.set(Number(source[1]), streamTime);
        windows.setTimeEntry(key, value);
        continue;
      }
      const cell = decode(key, value);
      if (cell === null) throw notOurs(key);
      windows.add(cell);
    }
    if (windows.sources !== null) windows.streamTime = windows.lowestSourceTime();
    return windows;
  }

  function openResults(state: WindowState): Row[] {
    return [...own(state).cells()].sort(compareCells).map((cell) => resultRow(cell, false));
  }

  return {
    keyFields,
    eventTime,
    emptyState: (sources?: number) => new PartitionWindows(sourceCount(sources)),
    restore,
    process,
    openResults,
  };
}

function notOurs(key: string): InputError {
  return new InputError(
    `window state entry "${key}" was not written by this window step (was the step changed?): delete the step's changelog topic to start afresh`,
  );
}

/**
 * The last result per (window, key), ordered by window start then key: what a reader of the
 * step's results ends up knowing, for the `run` check and the UI.
 */
export function latestWindowResults(results: Iterable<Row>, keyFields: readonly string[]): Row[] {
  const latest = new Map<string, Row>();
  for (const row of results) {
    const id = JSON.stringify([
      row.window_start,
      row.window_end,
      ...keyFields.map((field) => row[field] ?? null),
    ]);
    latest.set(id, row);
  }
  const startOf = (row: Row) => eventTimeMs(row.window_start) ?? 0;
  return [...latest.values()].sort((a, b) => {
    const order = startOf(a) - startOf(b);
    if (order !== 0) return order;
    for (const field of keyFields) {
      const keyOrder = compareKeyValue(a[field] ?? null, b[field] ?? null);
      if (keyOrder !== 0) return keyOrder;
    }
    return 0;
  });
}

/**
 * The step run over `rows` in one batch: every window's latest result, the closed ones final and
 * the still open ones as they stand (final: false). Counts into `tally` as `process` does.
 */
export function windowResultsOf(
  spec: WindowStepSpec,
  rows: readonly Row[],
  nowMs: number,
  tally: StepCounter,
): Row[] {
  const operator = createWindowOperator(spec);
  const state = operator.emptyState();
  const { results } = operator.process(state, rows, nowMs, tally);
  return latestWindowResults([...results, ...operator.openResults(state)], operator.keyFields);
}
