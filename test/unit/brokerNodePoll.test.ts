// The local cluster's node poll: a connection that adopts a running 3-node broker asks the
// recorded status again and again and publishes each node's state when it changes (and only
// then), keeps the latest nodes while an existing cluster is in use, outlives a failed ask and
// stops asking once closed. The status source is a fake that returns what the test scripts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerConnection } from '../../main/api/brokerConnection';
import type { BrokerNodeStatus, BrokerStatus } from '../../main/api/contract';
import type { Logger } from '../../main/shared/logger';

const DATA_DIR = '/nowhere/broker';
const BROKERS = ['127.0.0.1:9192', '127.0.0.1:9193', '127.0.0.1:9194'];

function node(nodeId: number, state: BrokerNodeStatus['state'], behind?: number) {
  return {
    nodeId,
    address: BROKERS[nodeId - 1]!,
    state,
    ...(behind === undefined ? {} : { behind }),
  };
}

function recorded(nodes: BrokerNodeStatus[]): BrokerStatus {
  return { state: 'ready', brokers: BROKERS, detail: 'Apache Kafka 4.1.1, 3 nodes', nodes };
}

/** A recorded-status source that answers what the test set last and counts the asks. */
class FakeStatusSource {
  asks: string[] = [];
  private answer: BrokerStatus | Error;
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(first: BrokerStatus) {
    this.answer = first;
  }

  set(answer: BrokerStatus | Error): void {
    this.answer = answer;
  }

  read = async (dataDir: string): Promise<BrokerStatus> => {
    this.asks.push(dataDir);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.asks.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
    if (this.answer instanceof Error) throw this.answer;
    return structuredClone(this.answer);
  };

  /** Resolves once `more` further asks began: the poll asks one at a time, so every answer
   * before the last of them has been handled. Its timer also keeps the test process alive, as
   * the poll's own timer does not. */
  asked(more: number): Promise<void> {
    const count = this.asks.length + more;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${count} asks expected within 5 s`)), 5_000);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** A logger that keeps its debug messages. */
function recordingLogger(debug: string[]): Logger {
  const logger: Logger = {
    debug: (message) => debug.push(message),
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

function connectionOn(source: FakeStatusSource, debug: string[] = []) {
  const connection = new BrokerConnection({
    dataDir: DATA_DIR,
    logger: recordingLogger(debug),
    recordedStatus: source.read,
    nodePollMs: 5,
  });
  const published: BrokerStatus[] = [];
  connection.on('status', (status: BrokerStatus) => published.push(status));
  return { connection, published };
}

test('a node that goes down and comes back is published each time it changes', async () => {
  const allUp = [node(1, 'up'), node(2, 'up'), node(3, 'up')];
  const source = new FakeStatusSource(recorded(allUp));
  const { connection, published } = connectionOn(source);
  try {
    const adopted = {
      state: 'ready',
      brokers: BROKERS,
      detail: 'using the running broker: Apache Kafka 4.1.1, 3 nodes',
      nodes: allUp,
    };
    assert.deepEqual(await connection.start(), adopted);
    await source.asked(3); // nothing changed: nothing more published
    assert.deepEqual(published, [adopted]);

    source.set(recorded([node(1, 'up'), node(2, 'down'), node(3, 'up')]));
    await source.asked(3);
    source.set(recorded([node(1, 'up'), node(2, 'catching-up', 4), node(3, 'up')]));
    await source.asked(3);
    source.set(recorded(allUp));
    await source.asked(3);
    assert.deepEqual(published, [
      adopted,
      { ...adopted, nodes: [node(1, 'up'), node(2, 'down'), node(3, 'up')] },
      { ...adopted, nodes: [node(1, 'up'), node(2, 'catching-up', 4), node(3, 'up')] },
      adopted,
    ]);
    assert.deepEqual(connection.status(), adopted);
    assert.deepEqual([...new Set(source.asks)], [DATA_DIR]);
  } finally {
    await connection.close();
  }
});

test('while an existing cluster is in use the nodes are kept, not shown, until switching back', async () => {
  const source = new FakeStatusSource(recorded([node(1, 'up'), node(2, 'up'), node(3, 'up')]));
  const { connection, published } = connectionOn(source);
  try {
    await connection.start();
    connection.useCluster(['kafka.example.com:9092']);
    source.set(recorded([node(1, 'down'), node(2, 'up'), node(3, 'up')]));
    await source.asked(3);
    assert.deepEqual(
      published.slice(1).map((status) => status.state),
      ['external'],
      'a node change is not shown while the external cluster is in use',
    );
    assert.deepEqual(connection.useCluster(null).nodes, [
      node(1, 'down'),
      node(2, 'up'),
      node(3, 'up'),
    ]);
  } finally {
    await connection.close();
  }
});

test('a failed ask is logged and the poll goes on; closing stops it', async () => {
  const source = new FakeStatusSource(recorded([node(1, 'up'), node(2, 'up'), node(3, 'up')]));
  const debug: string[] = [];
  const { connection, published } = connectionOn(source, debug);
  await connection.start();
  source.set(new Error('record unreadable'));
  await source.asked(2);
  assert.ok(debug.includes('node poll failed'), `debug lines: ${debug.join(', ')}`);
  source.set(recorded([node(1, 'up'), node(2, 'up'), node(3, 'down')]));
  await source.asked(2);
  assert.deepEqual(published.at(-1)?.nodes, [node(1, 'up'), node(2, 'up'), node(3, 'down')]);

  await connection.close();
  const asks = source.asks.length;
  await new Promise((resolve) => setTimeout(resolve, 50)); // ten poll periods
  assert.equal(source.asks.length, asks, 'no ask after close');
});

test('a single-node broker is not polled', async () => {
  const source = new FakeStatusSource({
    state: 'ready',
    brokers: [BROKERS[0]!],
    detail: 'Apache Kafka 4.1.1, pid 4242',
    nodes: [node(1, 'up')],
  });
  const { connection } = connectionOn(source);
  try {
    await connection.start();
    await new Promise((resolve) => setTimeout(resolve, 50)); // ten poll periods
    assert.equal(source.asks.length, 1, 'only the adoption asked');
  } finally {
    await connection.close();
  }
});
