// What a worker publishes about itself over HTTP: the /stats document (which the supervisor
// reads) and the /metrics families. Pure functions of the worker's state.
import type { MetricFamily } from './prometheusText';
import type { WorkerCounters } from './workerStats';

/** starting: not yet a consuming group member; consuming: in the group; stopping: leaving. */
export type WorkerPhase = 'starting' | 'consuming' | 'stopping';

export interface WorkerSnapshot {
  workerId: string;
  pid: number;
  group: string;
  inputTopic: string;
  outputTopic: string;
  phase: WorkerPhase;
  sinceStart: WorkerCounters;
  lifetime: WorkerCounters;
  /** topic → assigned partitions */
  assignment: Record<string, number[]>;
  uptimeSeconds: number;
}

export interface WorkerStatsDocument extends WorkerCounters {
  workerId: string;
  pid: number;
  status: WorkerPhase;
  group: string;
  inputTopic: string;
  outputTopic: string;
  /** assigned partitions of the input topic */
  partitions: number[];
  uptimeSeconds: number;
  /** totals over the data dir's lifetime, across restarts */
  lifetime: WorkerCounters;
}

export function statsDocument(snapshot: WorkerSnapshot): WorkerStatsDocument {
  return {
    workerId: snapshot.workerId,
    pid: snapshot.pid,
    status: snapshot.phase,
    group: snapshot.group,
    inputTopic: snapshot.inputTopic,
    outputTopic: snapshot.outputTopic,
    ...snapshot.sinceStart,
    partitions: [...(snapshot.assignment[snapshot.inputTopic] ?? [])].sort((a, b) => a - b),
    uptimeSeconds: Math.round(snapshot.uptimeSeconds * 1000) / 1000,
    lifetime: { ...snapshot.lifetime },
  };
}

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
      'Input rows consumed in committed transactions.',
      counts.rowsIn,
    ),
    counter(
      'parquet_streamer_worker_rows_out_total',
      'Output rows produced in committed transactions.',
      counts.rowsOut,
    ),
    counter(
      'parquet_streamer_worker_rows_dropped_total',
      'Input rows the transform dropped.',
      counts.rowsDropped,
    ),
    counter(
      'parquet_streamer_worker_transactions_total',
      'Committed transactions.',
      counts.transactions,
    ),
    counter('parquet_streamer_worker_aborts_total', 'Aborted transactions.', counts.aborts),
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
