// kafkajs' coordinator lookup, remembered per cluster (main/broker/coordinatorCache.ts): the
// same coordinator is asked for once, concurrent lookups share it, a failed lookup is not kept,
// and a failed request to the coordinator found makes the next lookup ask again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rememberCoordinators } from '../../main/broker/coordinatorCache';

interface FakeBroker {
  nodeId: number;
  request(failure?: Error): Promise<string>;
}

/** An error as kafkajs makes it: a protocol error's type, or a connection error's name. */
function kafkaError(kind: { type?: string; name?: string }): Error {
  return Object.assign(new Error(kind.type ?? kind.name), kind);
}

/** A cluster whose lookups are counted and answered with broker `nodeId`, or fail when told. */
class FakeCluster {
  lookups: string[] = [];
  nodeId = 1;
  failLookup = false;
  findGroupCoordinator = rememberCoordinators<FakeBroker>(async function (
    this: object,
    lookup,
  ): Promise<FakeBroker> {
    const cluster = this as FakeCluster;
    cluster.lookups.push(`${lookup.coordinatorType ?? 0}:${lookup.groupId}`);
    await new Promise((resolve) => setImmediate(resolve));
    if (cluster.failLookup) throw new Error('no coordinator');
    const nodeId = cluster.nodeId;
    return {
      nodeId,
      request: async (failure) => {
        if (failure) throw failure;
        return `answered by ${nodeId}`;
      },
    };
  });
}

test('a coordinator is looked up once per cluster, type and id', async () => {
  const cluster = new FakeCluster();
  const [a, b] = await Promise.all([
    cluster.findGroupCoordinator({ groupId: 'txn-1', coordinatorType: 1 }),
    cluster.findGroupCoordinator({ groupId: 'txn-1', coordinatorType: 1 }),
  ]);
  assert.equal(a, b);
  await cluster.findGroupCoordinator({ groupId: 'txn-1', coordinatorType: 1 });
  await cluster.findGroupCoordinator({ groupId: 'txn-1' });
  await cluster.findGroupCoordinator({ groupId: 'group' });
  assert.deepEqual(cluster.lookups, ['1:txn-1', '0:txn-1', '0:group']);
  assert.equal(await a.request(), 'answered by 1');
  assert.equal(a.nodeId, 1);

  const other = new FakeCluster();
  await other.findGroupCoordinator({ groupId: 'txn-1', coordinatorType: 1 });
  assert.deepEqual(other.lookups, ['1:txn-1'], 'each cluster asks for itself');
});

test('a coordinator that moved or went away is asked for again', async () => {
  for (const stale of [
    { type: 'NOT_COORDINATOR_FOR_GROUP' },
    { type: 'GROUP_COORDINATOR_NOT_AVAILABLE' },
    { name: 'KafkaJSConnectionError' },
    { name: 'KafkaJSRequestTimeoutError' },
  ]) {
    const cluster = new FakeCluster();
    const first = await cluster.findGroupCoordinator({ groupId: 'txn', coordinatorType: 1 });
    await assert.rejects(first.request(kafkaError(stale)));
    cluster.nodeId = 2;
    const second = await cluster.findGroupCoordinator({ groupId: 'txn', coordinatorType: 1 });
    assert.equal(second.nodeId, 2, `the coordinator moved (${JSON.stringify(stale)})`);
    assert.equal(await second.request(), 'answered by 2');
    await cluster.findGroupCoordinator({ groupId: 'txn', coordinatorType: 1 });
    assert.deepEqual(cluster.lookups, ['1:txn', '1:txn']);
  }
});

test('other failures keep the coordinator', async () => {
  const cluster = new FakeCluster();
  const first = await cluster.findGroupCoordinator({ groupId: 'txn', coordinatorType: 1 });
  await assert.rejects(first.request(kafkaError({ type: 'CONCURRENT_TRANSACTIONS' })));
  await assert.rejects(first.request(kafkaError({ type: 'GROUP_LOAD_IN_PROGRESS' })));
  cluster.nodeId = 2;
  const again = await cluster.findGroupCoordinator({ groupId: 'txn', coordinatorType: 1 });
  assert.equal(again.nodeId, 1);
  assert.deepEqual(cluster.lookups, ['1:txn']);
});

test('a failed lookup is not kept', async () => {
  const cluster = new FakeCluster();
  cluster.failLookup = true;
  await assert.rejects(cluster.findGroupCoordinator({ groupId: 'g' }), /no coordinator/);
  cluster.failLookup = false;
  const broker = await cluster.findGroupCoordinator({ groupId: 'g' });
  assert.equal(broker.nodeId, 1);
  assert.deepEqual(cluster.lookups, ['0:g', '0:g']);
});
