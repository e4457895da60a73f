// What a worker publishes: the /stats document and the Prometheus text of /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPrometheus } from '../../main/worker/prometheusText';
import { metricFamilies, statsDocument, type WorkerSnapshot } from '../../main/worker/workerReport';

const snapshot: WorkerSnapshot = {
  workerId: 'worker1',
  pid: 4242,
  group: 'app',
  inputTopic: 'parking',
  outputTopic: 'boroughs',
  transform: 'nyc-parking-boroughs',
  phase: 'consuming',
  sinceStart: {
    rowsIn: 10,
    rowsOut: 7,
    rowsDropped: 3,
    transactions: 2,
    aborts: 1,
    claims: 2,
    claimMilliseconds: 1500,
  },
  committed: [
    {
      topic: 'parking',
      partition: 1,
      rowsIn: 110,
      rowsOut: 77,
      rowsDropped: 33,
      transactions: 12,
      steps: [{ step: 1, type: 'map', in: 110, out: 77, dropped: 33, errors: 0, late: 0 }],
    },
  ],
  steps: [
    { step: 1, type: 'map', in: 10, out: 7, dropped: 2, errors: 1, late: 0 },
    { step: 2, type: 'select', in: 7, out: 7, dropped: 0, errors: 0, late: 0 },
  ],
  windows: [{ partition: 1, openWindows: 3, stateBytes: 420 }],
  assignment: { parking: [3, 1] },
  uptimeSeconds: 12.34567,
};

test('the stats document carries the counters, sorted input partitions and uptime', () => {
  assert.deepEqual(statsDocument(snapshot), {
    workerId: 'worker1',
    pid: 4242,
    status: 'consuming',
    group: 'app',
    inputTopic: 'parking',
    outputTopic: 'boroughs',
    transform: 'nyc-parking-boroughs',
    rowsIn: 10,
    rowsOut: 7,
    rowsDropped: 3,
    transactions: 2,
    aborts: 1,
    claims: 2,
    claimMilliseconds: 1500,
    steps: [
      { step: 1, type: 'map', in: 10, out: 7, dropped: 2, errors: 1, late: 0 },
      { step: 2, type: 'select', in: 7, out: 7, dropped: 0, errors: 0, late: 0 },
    ],
    windows: [{ partition: 1, openWindows: 3, stateBytes: 420 }],
    partitions: [1, 3],
    uptimeSeconds: 12.346,
    committed: [
      {
        topic: 'parking',
        partition: 1,
        rowsIn: 110,
        rowsOut: 77,
        rowsDropped: 33,
        transactions: 12,
        steps: [{ step: 1, type: 'map', in: 110, out: 77, dropped: 33, errors: 0, late: 0 }],
      },
    ],
  });
});

test('no assignment yet: no partitions', () => {
  assert.deepEqual(
    statsDocument({ ...snapshot, phase: 'starting', assignment: {} }).partitions,
    [],
  );
});

test('metrics have HELP and TYPE lines and labelled samples', () => {
  const text = formatPrometheus(metricFamilies(snapshot));
  assert.match(text, /^# HELP parquet_streamer_worker_rows_in_total .+$/m);
  assert.match(text, /^# TYPE parquet_streamer_worker_rows_in_total counter$/m);
  assert.match(text, /^parquet_streamer_worker_rows_in_total\{worker="worker1"\} 10$/m);
  assert.match(text, /^parquet_streamer_worker_rows_out_total\{worker="worker1"\} 7$/m);
  assert.match(text, /^parquet_streamer_worker_rows_dropped_total\{worker="worker1"\} 3$/m);
  assert.match(text, /^parquet_streamer_worker_transactions_total\{worker="worker1"\} 2$/m);
  assert.match(
    text,
    /^parquet_streamer_worker_assigned_partitions\{worker="worker1",topic="parking"\} 2$/m,
  );
  assert.match(text, /^parquet_streamer_worker_partition_claims_total\{worker="worker1"\} 2$/m);
  assert.match(
    text,
    /^parquet_streamer_worker_partition_claim_seconds_total\{worker="worker1"\} 1.5$/m,
  );
  assert.match(text, /^parquet_streamer_worker_consuming\{worker="worker1"\} 1$/m);
  assert.match(text, /^parquet_streamer_worker_open_windows\{worker="worker1",partition="1"\} 3$/m);
  assert.match(
    text,
    /^parquet_streamer_worker_step_rows_total\{worker="worker1",step="1",type="map",count="errors"\} 1$/m,
  );
  assert.match(
    text,
    /^parquet_streamer_worker_step_rows_total\{worker="worker1",step="2",type="select",count="in"\} 7$/m,
  );
  assert.match(
    text,
    /^parquet_streamer_partition_committed_rows\{worker="worker1",topic="parking",partition="1",count="out"\} 77$/m,
  );
  assert.ok(text.endsWith('\n'));
  const counters = text.match(/^# TYPE \S+ counter$/gm) ?? [];
  assert.equal(counters.length, 8);
});

test('label values and help text are escaped; special values are spelled out', () => {
  const text = formatPrometheus([
    {
      name: 'm',
      help: 'a\\b\nc',
      type: 'gauge',
      samples: [
        { labels: { l: 'q"x\\y\nz' }, value: NaN },
        { value: Infinity },
        { value: -Infinity },
      ],
    },
  ]);
  assert.equal(
    text,
    '# HELP m a\\\\b\\nc\n# TYPE m gauge\nm{l="q\\"x\\\\y\\nz"} NaN\nm +Inf\nm -Inf\n',
  );
});
