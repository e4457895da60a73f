// What a worker publishes about itself over HTTP: the /stats document (which the supervisor
// reads) and the /metrics families. Pure functions of the worker's state. Two kinds of counts:
// this process's since it started (gone with it), and the committed totals of the partitions it
// holds, which survive any crash (committedTallies.ts): the group's totals are their sum.
import type { StepCounter, StepTally } from '../pipelines/pipeline';
import type { MetricFamily } from './prometheusText';
import type { PartitionCounts, WindowPartition } from './transactionalProcessor';
import type { WorkerCounters } from './workerStats';

/**
 * starting: not yet a consuming group member; consuming: in the group; reconnecting: the broker
 * is lost and the worker waits for it; stopping: leaving.
 */
export type WorkerPhase = 'starting' | 'consuming' | 'reconnecting' | 'stopping';

export interface WorkerSnapshot {
  workerId: string;
  pid: number;
  group: string;
  inputTopic: string;
  outputTopic: string;
  /** the transform's name (a preset, a spec file, a module path) */
  transform: string;
  phase: WorkerPhase;
  sinceStart: WorkerCounters;
  /** the committed totals of each partition held, whoever processed it */
  committed: PartitionCounts[];
  /** the transform's per-step counts since start, committed transactions only */
  steps: StepTally;
  /** window steps: open windows and state size per repartition partition held */
  windows: WindowPartition[];
  /** topic → assigned partitions */
  assignment: Record<string, number[]>;
  uptimeSeconds: number;
}

/** The top-level counts are this worker process's since it started. */
export interface WorkerStatsDocument extends WorkerCounters {
  workerId: string;
  pid: number;
  status: WorkerPhase;
  group: string;
  inputTopic: string;
  outputTopic: string;
  transform: string;
  /** per step, in step order: rows in, out, dropped, errors and late, this process since start */
  steps: StepCounter[];
  /** window steps: open windows and state bytes per partition this worker holds */
  windows: WindowPartition[];
  /** assigned partitions of the input topic */
  partitions: number[];
  uptimeSeconds: number;
  /** committed totals of each partition this worker holds (input and repartition topics), across every worker and crash */
  committed: PartitionCounts[];
}

export function statsDocument(snapshot: WorkerSnapshot): WorkerStatsDocument {
  return {
    workerId: snapshot.workerId,
    pid: snapshot.pid,
    status: snapshot.phase,
    group: snapshot.group,
    inputTopic: snapshot.inputTopic,
    outputTopic: snapshot.outputTopic,
    transform: snapshot.transform,
    ...snapshot.sinceStart,
    steps: snapshot.steps.map((counter) => ({ ...counter })),
    windows: snapshot.windows.map((partition) => ({ ...partition })),
    partitions: [...(snapshot.assignment[snapshot.inputTopic] ?? [])].sort((a, b) => a - b),
    uptimeSeconds: Math.round(snapshot.uptimeSeconds * 1000) / 1000,
    committed: snapshot.committed.map((counts) => ({
      ...counts,
      steps: counts.steps.map((counter) => ({ ...counter })),
    })),
  };
}

const STEP_COUNTS = ['in', 'out', 'dropped', 'errors', 'late'] as const;
const COMMITTED_COUNTS = [
  ['in', 'rowsIn'],
  ['out', 'rowsOut'],
  ['dropped', 'rowsDropped'],
] as const;

export function metricFamilies(snapshot: WorkerSnapshot): MetricFamily[] {
  const worker = { worker: snapshot.workerId };
  const counter = (name: string, help: string, value: number): MetricFamily => ({
    name,
    help,
    type: 'counter',
    samples: [{ labels: worker, value }],
  });
  const counts = snapshot.sinceStart;
  return [
    counter(
      'parquet_streamer_worker_rows_in_total',
      'Input rows in transactions this worker process committed since it started.',
      counts.rowsIn,
    ),
    counter(
      'parquet_streamer_worker_rows_out_total',
      'Output rows in transactions this worker process committed since it started.',
      counts.rowsOut,
    ),
    counter(
      'parquet_streamer_worker_rows_dropped_total',
      'Input rows the transform dropped in transactions this worker process committed since it started.',
      counts.rowsDropped,
    ),
    counter(
      'parquet_streamer_worker_transactions_total',
      'Transactions this worker process committed since it started.',
      counts.transactions,
    ),
    counter(
      'parquet_streamer_worker_aborts_total',
      'Transactions this worker process aborted since it started.',
      counts.aborts,
    ),
    counter(
      'parquet_streamer_worker_partition_claims_total',
      'Partitions this worker process claimed (fencing their earlier writers) since it started.',
      counts.claims,
    ),
    counter(
      'parquet_streamer_worker_partition_claim_seconds_total',
      'Time those claims took, in seconds.',
      counts.claimMilliseconds / 1000,
    ),
    {
      name: 'parquet_streamer_worker_step_rows_total',
      help: 'Rows per transform step in transactions this worker process committed since it started, by what became of them (in, out, dropped, errors, late).',
      type: 'counter',
      samples: snapshot.steps.flatMap((step) =>
        STEP_COUNTS.map((count) => ({
          labels: { ...worker, step: String(step.step), type: step.type, count },
          value: step[count],
        })),
      ),
    },
    {
      name: 'parquet_streamer_partition_committed_rows',
      help: 'Committed totals of each partition this worker holds, whoever processed it (in, out, dropped); summed over the group they equal the output topic.',
      type: 'gauge',
      samples: snapshot.committed.flatMap((counts) =>
        COMMITTED_COUNTS.map(([count, field]) => ({
          labels: { ...worker, topic: counts.topic, partition: String(counts.partition), count },
          value: counts[field],
        })),
      ),
    },
    {
      name: 'parquet_streamer_worker_assigned_partitions',
      help: 'Input topic partitions assigned to this worker.',
      type: 'gauge',
      samples: Object.entries(snapshot.assignment).map(([topic, partitions]) => ({
        labels: { ...worker, topic },
        value: partitions.length,
      })),
    },
    {
      name: 'parquet_streamer_worker_open_windows',
      help: 'Open windows (one per window and key) per partition of the window state held.',
      type: 'gauge',
      samples: snapshot.windows.map(({ partition, openWindows }) => ({
        labels: { ...worker, partition: String(partition) },
        value: openWindows,
      })),
    },
    {
      name: 'parquet_streamer_worker_window_state_bytes',
      help: 'Bytes of changelog entries of the window state held, per partition.',
      type: 'gauge',
      samples: snapshot.windows.map(({ partition, stateBytes }) => ({
        labels: { ...worker, partition: String(partition) },
        value: stateBytes,
      })),
    },
    {
      name: 'parquet_streamer_worker_consuming',
      help: '1 while the worker is a consuming group member, else 0.',
      type: 'gauge',
      samples: [{ labels: worker, value: snapshot.phase === 'consuming' ? 1 : 0 }],
    },
    {
      name: 'parquet_streamer_worker_uptime_seconds',
      help: 'Seconds since the worker process started.',
      type: 'gauge',
      samples: [{ labels: worker, value: Math.round(snapshot.uptimeSeconds * 1000) / 1000 }],
    },
  ];
}
