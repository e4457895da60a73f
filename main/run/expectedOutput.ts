// What a transform should make of a dataset, computed locally: for each input row (by its index,
// the `source.row` header) how many output rows it yields and a digest of them, in one pass over
// the file; for an event-time window, every window's result from the input records in each input
// partition's order (read back from the input topic), with the rows late in their own partition's
// order refused and the windows every partition has passed closed, as the workers decide it
// (docs/windows.md); for a processing-time window, the file in one batch at one instant. `run`
// compares the committed output of the workers with this.
import { ParquetDataset } from '../parquet/parquetDataset';
import { RowCodec } from '../parquet/rowCodec';
import type { LoadedTransform } from '../pipelines/transformSource';
import { createWindowOperator, latestWindowResults } from '../pipelines/windowOperator';
import type { WindowStepSpec } from '../pipelines/windowSpec';
import type { Row, SourceTime, StepTally } from '../pipelines/pipeline';
import { RowDigests } from './rowDigests';

export interface ExpectedOutput {
  rowsIn: number;
  /** per input row: the output rows it should yield (stateless transforms) */
  perRow: RowDigests | null;
  /**
   * every window's result after the steps that follow it (windowed transforms): `final` true for
   * the windows every input partition has passed, false for those still open at the end
   */
  windows: Row[] | null;
  /** what each step did over the whole file */
  tally: StepTally;
}

/** The input topic's records, each partition's in offset order (null: a value that is no row). */
export interface InputRecords {
  partitions: number;
  read(onRecord: (partition: number, row: Row | null) => void): Promise<void>;
}

/** rows the local window step takes at a time */
const SLICE_ROWS = 10_000;

function windowStep(loaded: LoadedTransform): WindowStepSpec | null {
  const stage = loaded.transform.window;
  return stage ? (loaded.spec.steps[stage.tallyIndex] as WindowStepSpec) : null;
}

/** true when `run` can reproduce the transform's windows exactly from the input topic */
export function windowsByEventTime(loaded: LoadedTransform): boolean {
  const step = windowStep(loaded);
  return step !== null && step.time !== 'processing';
}

/** An event-time window over the input records as the workers saw them, partition by partition. */
export async function computeExpectedWindows(
  loaded: LoadedTransform,
  input: InputRecords,
  nowMs: number = Date.now(),
): Promise<ExpectedOutput> {
  const { transform } = loaded;
  const stage = transform.window!;
  const operator = createWindowOperator(windowStep(loaded)!);
  const tally = transform.newTally();
  const state = operator.emptyState(input.partitions);
  const streamTimes = new Map<number, number>();
  const results: Row[] = [];
  let rows: Row[] = [];
  let sources: (SourceTime | null)[] = [];
  // in slices, to bound memory: a window the slices so far closed gets no later row, as every
  // later row of a partition is late against that partition's stream time (docs/windows.md)
  const flush = () => {
    const batch = operator.process(state, rows, nowMs, tally[stage.tallyIndex]!, {
      rows: sources,
      progress: [],
    });
    results.push(...batch.results);
    rows = [];
    sources = [];
  };
  let rowsIn = 0;
  await input.read((partition, row) => {
    rowsIn += 1;
    if (row === null) {
      // as in the worker: a value that is not a JSON object is an error of step 1
      tally[0]!.in += 1;
      tally[0]!.errors += 1;
      return;
    }
    for (const output of transform.head.run([row], tally)) {
      const time = operator.eventTime(output);
      if (time !== null && time > (streamTimes.get(partition) ?? -Infinity))
        streamTimes.set(partition, time);
      const streamTime = streamTimes.get(partition);
      rows.push(output);
      sources.push(streamTime === undefined ? null : { partition, streamTime });
    }
    if (rows.length >= SLICE_ROWS) flush();
  });
  flush();
  const latest = latestWindowResults(
    [...results, ...operator.openResults(state)],
    operator.keyFields,
  );
  return { rowsIn, perRow: null, windows: stage.tail.run(latest, tally), tally };
}

/** A stateless transform row by row, or a processing-time window in one batch at `nowMs`. */
export async function computeExpectedOutput(
  datasetPath: string,
  loaded: LoadedTransform,
  nowMs: number = Date.now(),
): Promise<ExpectedOutput> {
  const { transform } = loaded;
  const dataset = await ParquetDataset.open(datasetPath);
  const codec = new RowCodec(dataset.schema);
  const tally = transform.newTally();
  const perRow = transform.window ? null : new RowDigests(dataset.rows);
  const stage = transform.window;
  const step = windowStep(loaded);
  const operator = step ? createWindowOperator(step) : null;
  const state = operator?.emptyState();
  const windowResults: Row[] = [];
  let index = 0;
  for await (const slice of dataset.readRowGroups()) {
    const sliceOutputs: Row[] = [];
    for (const row of codec.toObjects(slice.table)) {
      const outputs = transform.head.run([row], tally);
      if (perRow) for (const output of outputs) perRow.add(index, JSON.stringify(output));
      else sliceOutputs.push(...outputs);
      index += 1;
    }
    if (operator && state && stage)
      windowResults.push(
        ...operator.process(state, sliceOutputs, nowMs, tally[stage.tallyIndex]!).results,
      );
  }
  if (!operator || !state || !stage) return { rowsIn: index, perRow, windows: null, tally };
  const latest = latestWindowResults(
    [...windowResults, ...operator.openResults(state)],
    operator.keyFields,
  );
  return { rowsIn: index, perRow: null, windows: stage.tail.run(latest, tally), tally };
}
