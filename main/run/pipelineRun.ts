// The whole pipeline headless, then proof that it delivered: a stream session (topics, N
// workers, the producer) on the given cluster, a wait until the workers have committed every
// input row, and a check of the committed output against the transform computed locally over
// the same file (an event-time window: over the input topic's records, partition by partition).
// What `parquet-streamer run` does.
import type { KafkaMessage } from 'kafkajs';
import type { StreamProgress } from '../api/contract';
import { StreamSession } from '../api/streamSession';
import { readCommitted } from '../broker/committedTopicReader';
import { withAdmin } from '../broker/topicAdmin';
import { ParquetDataset } from '../parquet/parquetDataset';
import type { Row, StepTally } from '../pipelines/pipeline';
import { loadTransform, type LoadedTransform } from '../pipelines/transformSource';
import { latestWindowResults } from '../pipelines/windowOperator';
import { EnvironmentError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { SOURCE_ROW_HEADER } from '../shared/sourceHeaders';
import { readGroupCountsAt, stepsBetween } from '../worker/committedTallies';
import { windowTopicNames } from '../worker/windowTopics';
import type { WindowStepSpec } from '../pipelines/windowSpec';
import {
  computeExpectedOutput,
  computeExpectedWindows,
  windowsByEventTime,
  type ExpectedOutput,
  type InputRecords,
} from './expectedOutput';
import { RowDigests, type DigestComparison } from './rowDigests';
import { compareWindowCounts, compareWindows, type WindowComparison } from './windowComparison';

export interface PipelineRunOptions {
  path: string;
  workers: number;
  partitions: number;
  inputTopic: string;
  outputTopic: string;
  /** a preset, a spec or module path, or JSON text (what `--transform` takes) */
  transform: string;
  brokers: string[];
  ratePerSecond: number | null;
  appDataDir: string;
  logger: Logger;
  onProgress?: (progress: RunProgress) => void;
  /** give up when the workers commit nothing for this long while input is left (default 120 s) */
  stallTimeoutMs?: number;
}

export interface RunProgress {
  phase: 'streaming' | 'draining' | 'checking';
  rowsProduced: number;
  rowsTotal: number;
  /** input rows the workers have committed */
  rowsCommitted: number;
}

export interface RunSummary {
  transform: string;
  /** what each step did in the workers: the group's committed counts over this run */
  workerSteps: StepTally;
  rowsProduced: number;
  rowsOut: number;
  seconds: number;
  /** what each step should do over the file (computed locally; the workers run the same steps) */
  steps: StepTally;
  /** stateless transforms: output rows compared by their source.row */
  rows: DigestComparison | null;
  /** windowed transforms: the last result of every window compared with the local aggregation */
  windows: WindowComparison | null;
  /** true when nothing is missing, duplicated or different */
  exact: boolean;
}

export async function runPipeline(options: PipelineRunOptions): Promise<RunSummary> {
  const started = performance.now();
  const dataset = await ParquetDataset.open(options.path);
  // a bad transform is refused before any topic or worker exists
  const loaded = await loadTransform(options.transform, {
    inputFields: dataset.fields().map((field) => field.name),
  });
  const outputStart = await endOffsets(options.brokers, options.outputTopic);
  const inputStart = await endOffsets(options.brokers, options.inputTopic);
  const session = new StreamSession({
    config: {
      path: options.path,
      inputTopic: options.inputTopic,
      outputTopic: options.outputTopic,
      partitions: options.partitions,
      workers: options.workers,
      ratePerSecond: options.ratePerSecond,
      transform: options.transform,
    },
    brokers: options.brokers,
    appDataDir: options.appDataDir,
    logger: options.logger,
    workerLogLevel: 'warn',
    charts: [],
  });
  let rowsProduced = 0;
  let workerSteps: StepTally = loaded.transform.newTally();
  try {
    const countsBefore = await readGroupCountsAt(options.brokers, session.group);
    const produced = new Promise<StreamProgress>((resolve) => {
      session.on('progress', (progress: StreamProgress) => {
        rowsProduced = progress.rowsAcked;
        options.onProgress?.({
          phase: 'streaming',
          rowsProduced: progress.rowsAcked,
          rowsTotal: progress.rowsTotal,
          rowsCommitted: 0,
        });
        if (progress.state === 'done' || progress.state === 'failed') resolve(progress);
      });
    });
    await session.start();
    const outcome = await produced;
    if (outcome.state === 'failed')
      throw new EnvironmentError(`the producer failed: ${outcome.detail ?? 'no detail'}`);
    const topics = [options.inputTopic];
    if (loaded.transform.window)
      topics.push(windowTopicNames(session.group, loaded.name).repartition);
    await waitForWorkers(options, session.group, topics, (rowsCommitted) =>
      options.onProgress?.({
        phase: 'draining',
        rowsProduced,
        rowsTotal: rowsProduced,
        rowsCommitted,
      }),
    );
    workerSteps = stepsBetween(
      countsBefore,
      await readGroupCountsAt(options.brokers, session.group),
      loaded.transform.newTally(),
    );
  } finally {
    await session.close();
  }
  options.onProgress?.({
    phase: 'checking',
    rowsProduced,
    rowsTotal: rowsProduced,
    rowsCommitted: rowsProduced,
  });
  const expected = windowsByEventTime(loaded)
    ? await computeExpectedWindows(loaded, await inputRecords(options, inputStart))
    : await computeExpectedOutput(options.path, loaded);
  const { rowsOut, rows, windows } = await checkOutput(options, loaded, outputStart, expected);
  const differences = rows
    ? rows.missing + rows.duplicated + rows.different
    : windows
      ? windows.missing + windows.different + windows.unexpected
      : 0;
  return {
    transform: loaded.name,
    workerSteps,
    rowsProduced,
    rowsOut,
    seconds: (performance.now() - started) / 1000,
    steps: expected.tally,
    rows,
    windows,
    exact: differences === 0 && rowsProduced === expected.rowsIn,
  };
}

async function checkOutput(
  options: PipelineRunOptions,
  loaded: LoadedTransform,
  from: Map<number, string>,
  expected: ExpectedOutput,
): Promise<{ rowsOut: number; rows: DigestComparison | null; windows: WindowComparison | null }> {
  let rowsOut = 0;
  const actualRows = expected.perRow ? new RowDigests(expected.perRow.size) : null;
  const windowRows: Row[] = [];
  const onMessage = (_partition: number, message: KafkaMessage) => {
    rowsOut += 1;
    const text = message.value?.toString('utf8') ?? 'null';
    if (actualRows) actualRows.add(sourceRow(message), text);
    else windowRows.push(JSON.parse(text) as Row);
  };
  await readCommitted(options.brokers, options.outputTopic, onMessage, {
    from,
    logger: options.logger,
  });
  if (expected.perRow && actualRows)
    return { rowsOut, rows: expected.perRow.compare(actualRows), windows: null };
  const keyFields = loaded.transform.window?.operator.keyFields ?? [];
  const step = loaded.spec.steps[loaded.transform.window?.tallyIndex ?? -1] as WindowStepSpec;
  const latest = latestWindowResults(windowRows, keyFields);
  const windows = windowsByEventTime(loaded)
    ? compareWindows(expected.windows ?? [], latest, keyFields, step.emit === 'update')
    : compareWindowCounts(
        expected.windows ?? [],
        latest,
        keyFields,
        step.aggregates.filter((aggregate) => aggregate.op === 'count').map(({ as }) => as),
      );
  return { rowsOut, rows: null, windows };
}

/** The input topic's records from where this run began, partition by partition in order. */
async function inputRecords(
  options: PipelineRunOptions,
  from: Map<number, string>,
): Promise<InputRecords> {
  const offsets = await withAdmin(options.brokers, (admin) =>
    admin.fetchTopicOffsets(options.inputTopic),
  );
  return {
    partitions: offsets.length,
    read: (onRecord) =>
      readCommitted(
        options.brokers,
        options.inputTopic,
        (partition, message) => onRecord(partition, rowOf(message.value)),
        { from, logger: options.logger },
      ),
  };
}

/** A record value as a row, or null when it is not a JSON object (as the worker reads it). */
function rowOf(value: Buffer | null): Row | null {
  try {
    const parsed: unknown = JSON.parse(value?.toString('utf8') ?? 'null');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Row)
      : null;
  } catch {
    return null;
  }
}

function sourceRow(message: KafkaMessage): number {
  const header = message.headers?.[SOURCE_ROW_HEADER];
  const text = Array.isArray(header) ? header[0] : header;
  return text === undefined ? -1 : Number(text.toString());
}

async function endOffsets(brokers: string[], topic: string): Promise<Map<number, string>> {
  return withAdmin(brokers, async (admin) => {
    if (!(await admin.listTopics()).includes(topic)) return new Map<number, string>();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map(({ partition, high }) => [partition, high]));
  });
}

/**
 * Waits until the group has committed every record of the topics it reads (the input, and the
 * repartition topic of a windowed transform), failing when nothing moves for stallTimeoutMs.
 */
async function waitForWorkers(
  options: PipelineRunOptions,
  group: string,
  topics: string[],
  onCommitted: (inputRows: number) => void,
): Promise<void> {
  const stallTimeoutMs = options.stallTimeoutMs ?? 120_000;
  await withAdmin(options.brokers, async (admin) => {
    let lastTotal = -1;
    let lastMove = performance.now();
    for (;;) {
      const committed = await admin.fetchOffsets({ groupId: group, topics });
      let behind = 0;
      let total = 0;
      let inputRows = 0;
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const done = new Map(
          (committed.find((entry) => entry.topic === topic)?.partitions ?? []).map(
            ({ partition, offset }) => [partition, Math.max(0, Number(offset))],
          ),
        );
        for (const { partition, high } of ends) {
          const at = done.get(partition) ?? 0;
          behind += Math.max(0, Number(high) - at);
          total += at;
          if (topic === options.inputTopic) inputRows += at;
        }
      }
      onCommitted(inputRows);
      if (behind === 0) return;
      const now = performance.now();
      if (total !== lastTotal) {
        lastTotal = total;
        lastMove = now;
      } else if (now - lastMove > stallTimeoutMs) {
        throw new EnvironmentError(
          `the workers committed nothing for ${Math.round(stallTimeoutMs / 1000)} s with ${behind} records left — see the workers' log lines above`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
}
