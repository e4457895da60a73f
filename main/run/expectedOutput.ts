// What a transform should make of a dataset, computed locally in one pass over the file: for each
// input row (by its index, the `source.row` header) how many output rows it yields and a digest
// of them; for a windowed transform, every window's final result. `run` compares the committed
// output of the workers with this.
import { ParquetDataset } from '../parquet/parquetDataset';
import { RowCodec } from '../parquet/rowCodec';
import type { LoadedTransform } from '../pipelines/transformSource';
import { createWindowOperator, latestWindowResults } from '../pipelines/windowOperator';
import type { WindowStepSpec } from '../pipelines/windowSpec';
import type { Row, StepTally } from '../pipelines/pipeline';
import { RowDigests } from './rowDigests';

export interface ExpectedOutput {
  rowsIn: number;
  /** per input row: the output rows it should yield (stateless transforms) */
  perRow: RowDigests | null;
  /** every window's final result after the steps that follow it (windowed transforms) */
  windows: Row[] | null;
  /** what each step did over the whole file */
  tally: StepTally;
}

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
  // the window step runs as in one worker that owns every row, slice by slice
  const stage = transform.window;
  const operator = stage
    ? createWindowOperator(loaded.spec.steps[stage.tallyIndex] as WindowStepSpec)
    : null;
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
