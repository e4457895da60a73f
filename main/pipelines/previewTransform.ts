// Runs a compiled transform once over a few rows, as a worker would run one batch of one
// partition from an empty window state: what the `transform` command and the app's preview show.
import type { CompiledTransform, Row, StepTally } from './pipeline';

export interface TransformPreview {
  rows: Row[];
  tally: StepTally;
}

export function previewTransform(
  transform: CompiledTransform,
  rows: readonly Row[],
  nowMs: number = Date.now(),
): TransformPreview {
  const tally = transform.newTally();
  const headRows = transform.head.run(rows, tally);
  if (!transform.window) return { rows: headRows, tally };
  const { operator, tallyIndex, tail } = transform.window;
  const { results } = operator.process(operator.emptyState(), headRows, nowMs, tally[tallyIndex]!);
  return { rows: tail.run(results, tally), tally };
}
