// A node of a local 3-node cluster is lost mid-stream: with topics of 3 copies and
// min.insync.replicas 2, the app's producer (acks=all) and two workers carry on while the node
// is SIGKILLed, the node is started again and catches up (back in every ISR), and the committed
// output (read_committed) holds every expected source.row exactly once. The cluster is the
// test's own (free ports, temporary data dir); the harness's broker is not touched.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as arrow from 'apache-arrow';
import type { Admin } from 'kafkajs';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { ConfigResourceTypes } from '../../main/broker/kafkajs';
import { retryRetriable } from '../../main/broker/retryRetriable';
import { assertPortFree, freePort, LocalBroker } from '../../main/broker/localBroker';
import { readTopicToEnd } from '../support/topicReader';
import { ParquetProducer, type ProduceProgress } from '../../main/producer/parquetProducer';
import {
  assertExactlyOnce,
  assertNoWorkerLeft,
  countDelivery,
  inputRow,
  readOutput,
  setUp,
  supervise,
  tearDown,
  waitFor,
  waitForGroupEnd,
  type Fixture,
} from '../support/workerPipelineFixture';

const NODES = 3;
const ROWS = 24_000;
/** ~30 s of stream: the loss, the outage and the restart all happen while rows flow */
const ROWS_PER_SECOND = 800;

/** A client port p with p+1 and p+2 free as well: the cluster's ports are consecutive. */
async function freePortRun(count: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base + count - 1 > 65535) continue;
    try {
      for (let i = 1; i < count; i += 1) await assertPortFree(base + i);
      return base;
    } catch {
      // one of the next ports is taken: try another base
    }
  }
}

/** The test's rows as a Parquet file named like the fixture's source.file header. */
function writeRows(file: string): void {
  const rows = Array.from({ length: ROWS }, (_, i) => inputRow(i));
  const column = (name: string) => rows.map((row) => (row[name] ?? null) as never);
  const table = new arrow.Table({
    'Summons Number': arrow.vectorFromArray(column('Summons Number'), new arrow.Int32()),
    'Issue Date': arrow.vectorFromArray(column('Issue Date'), new arrow.Utf8()),
    'W - Temperature': arrow.vectorFromArray(column('W - Temperature'), new arrow.Int32()),
    'Street Name': arrow.vectorFromArray(column('Street Name'), new arrow.Utf8()),
    'Violation County Name': arrow.vectorFromArray(
      column('Violation County Name'),
      new arrow.Utf8(),
    ),
  });
  writeFileSync(file, writeParquet(WasmTable.fromIPCStream(arrow.tableToIPC(table, 'stream'))));
}

/** Every partition of these topics with its replicas and in-sync replicas. */
async function replicaSets(admin: Admin, topics: string[]) {
  // a node may not know a new topic yet, or have just lost a leader: ask again
  const metadata = await retryRetriable(() => admin.fetchTopicMetadata({ topics }), {
    timeoutMs: 60_000,
  });
  return metadata.topics.flatMap((topic) =>
    topic.partitions.map((partition) => ({
      name: `${topic.name}-${partition.partitionId}`,
      replicas: [...partition.replicas].sort(),
      isr: [...partition.isr].sort(),
      leader: partition.leader,
    })),
  );
}

async function outputEnd(fixture: Fixture): Promise<bigint> {
  const offsets = await retryRetriable(() => fixture.admin.fetchTopicOffsets(fixture.output), {
    timeoutMs: 60_000,
  });
  return offsets.reduce((sum, entry) => sum + BigInt(entry.high), 0n);
}

test(
  'a node lost mid-stream: producer and workers carry on, the node catches up, output exact',
  { timeout: 900_000 },
  async () => {
    const workDir = await mkdtemp(path.join(tmpdir(), 'ps-node-loss-'));
    const cluster = new LocalBroker({
      dataDir: path.join(workDir, 'cluster'),
      nodes: NODES,
      port: await freePortRun(NODES),
      heapMb: 512,
    });
    let fixture: Fixture | null = null;
    let supervisor: ReturnType<typeof supervise> | null = null;
    try {
      await cluster.start();
      fixture = await setUp('node-loss', [], cluster.brokers);
      const topics = [fixture.input, fixture.output];
      const internal = ['__consumer_offsets', '__transaction_state'];

      // new topics got the cluster's defaults: three copies, two of which must have a write
      for (const partition of await replicaSets(fixture.admin, topics)) {
        assert.deepEqual(partition.replicas, [1, 2, 3], `${partition.name} has 3 replicas`);
      }
      const configs = await fixture.admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: fixture.input,
            configNames: ['min.insync.replicas'],
          },
        ],
      });
      assert.equal(configs.resources[0]!.configEntries[0]!.configValue, '2');

      supervisor = supervise(fixture, { brokers: cluster.brokers });
      await supervisor.scaleTo(2);
      const file = path.join(workDir, 'tickets.parquet');
      writeRows(file);
      const producer = new ParquetProducer({
        path: file,
        topic: fixture.input,
        brokers: cluster.brokers,
        ratePerSecond: ROWS_PER_SECOND,
        checkpointDir: path.join(workDir, 'checkpoints'),
      });
      let acked = 0;
      producer.on('progress', (event: ProduceProgress) => (acked = event.rowsAcked));
      const running = producer.run();
      await waitFor('a quarter of the rows acked', () => acked >= ROWS / 4, 120_000, workDir);

      // the leader of input partition 0 is lost without a word
      const [first] = await replicaSets(fixture.admin, [fixture.input]);
      const victim = first!.leader;
      const pid = cluster.status().nodes?.find((node) => node.nodeId === victim)?.pid;
      assert.ok(pid, `node ${victim} has a pid`);
      process.kill(pid, 'SIGKILL');
      const ackedAtLoss = acked;
      const outputAtLoss = await outputEnd(fixture);
      await waitFor(
        `node ${victim} is reported down`,
        () => cluster.status().nodes?.find((node) => node.nodeId === victim)?.state === 'down',
        30_000,
        workDir,
      );

      // with two of three nodes the producer and the workers go on
      await waitFor(
        'rows acked and output committed with the node down',
        async () => acked >= ackedAtLoss + ROWS / 5 && (await outputEnd(fixture!)) > outputAtLoss,
        180_000,
        fixture.logFile,
      );
      assert.equal(cluster.status().nodes?.find((node) => node.nodeId === victim)?.state, 'down');
      const ackedWhileDown = acked - ackedAtLoss;

      await cluster.startNode(victim);
      const summary = await running;
      assert.equal(summary.rowsFailed, 0);
      assert.equal(summary.rowsAcked, ROWS);
      await waitForGroupEnd(fixture, 180_000);

      // the node is back in every in-sync replica set, the internal topics' included
      await waitFor(
        `node ${victim} back in every ISR`,
        async () =>
          (await replicaSets(fixture!.admin, [...topics, ...internal])).every(
            (partition) => partition.isr.length === NODES,
          ),
        180_000,
        workDir,
      );
      await supervisor.stop();
      const input = await readTopicToEnd(fixture.kafka, fixture.input, { readerName: 'node-loss' });
      const inputRows = input.map(({ message }) => Number(message.headers?.['source.row']));
      process.stderr.write(
        `node loss: input holds ${inputRows.length} messages, ${new Set(inputRows).size} distinct rows\n`,
      );
      const rows = await readOutput(fixture);
      const count = countDelivery(rows, ROWS);
      process.stderr.write(
        `node loss: node ${victim} SIGKILLed at ${ackedAtLoss} rows acked, ${ackedWhileDown} ` +
          `acked while it was down; ${ROWS} rows in, ${count.expected} expected out, ` +
          `${count.delivered} delivered, ${count.duplicates.length} duplicated, ` +
          `${count.missing.length} missing\n`,
      );
      assert.deepEqual(
        { messages: inputRows.length, distinct: new Set(inputRows).size },
        { messages: ROWS, distinct: ROWS },
        'the producer wrote every row once',
      );
      assertExactlyOnce(rows, ROWS);
      assertNoWorkerLeft(fixture);
    } finally {
      if (fixture && supervisor) await tearDown(fixture, supervisor).catch(() => undefined);
      else await fixture?.admin.disconnect().catch(() => undefined);
      await cluster.stop();
      await rm(workDir, { recursive: true, force: true });
    }
  },
);
