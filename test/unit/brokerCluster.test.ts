// The local multi-node cluster's pure pieces: each node's settings (written out here by hand),
// the port and data-dir scheme, and the one-line refusals of ports and node counts that do not fit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderServerProperties } from '../../main/broker/brokerConfig';
import { layoutNodes } from '../../main/broker/clusterLayout';
import { InputError } from '../../main/shared/errors';

function parse(properties: string): Record<string, string> {
  return Object.fromEntries(
    properties
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

test('node 2 of three: its own ports and logs, all three voters, three copies, two in sync', () => {
  const settings = parse(
    renderServerProperties({
      dataDir: '/data/node-2',
      host: '127.0.0.1',
      nodeId: 2,
      port: 9093,
      controllerPort: 9201,
      voters: [
        { nodeId: 1, controllerPort: 9200 },
        { nodeId: 2, controllerPort: 9201 },
        { nodeId: 3, controllerPort: 9202 },
      ],
    }),
  );
  assert.deepEqual(
    {
      'node.id': settings['node.id'],
      'process.roles': settings['process.roles'],
      'controller.quorum.voters': settings['controller.quorum.voters'],
      listeners: settings['listeners'],
      'advertised.listeners': settings['advertised.listeners'],
      'log.dirs': settings['log.dirs'],
      'default.replication.factor': settings['default.replication.factor'],
      'min.insync.replicas': settings['min.insync.replicas'],
      'offsets.topic.replication.factor': settings['offsets.topic.replication.factor'],
      'transaction.state.log.replication.factor':
        settings['transaction.state.log.replication.factor'],
      'transaction.state.log.min.isr': settings['transaction.state.log.min.isr'],
    },
    {
      'node.id': '2',
      'process.roles': 'broker,controller',
      'controller.quorum.voters': '1@127.0.0.1:9200,2@127.0.0.1:9201,3@127.0.0.1:9202',
      listeners: 'PLAINTEXT://127.0.0.1:9093,CONTROLLER://127.0.0.1:9201',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9093',
      'log.dirs': '/data/node-2/kraft-logs',
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
    },
  );
});

test('five nodes still keep three copies with two in sync; two nodes keep two with one', () => {
  const voters = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ nodeId: i + 1, controllerPort: 9200 + i }));
  const render = (count: number) =>
    parse(
      renderServerProperties({
        dataDir: '/d',
        host: '127.0.0.1',
        nodeId: 1,
        port: 9092,
        controllerPort: 9200,
        voters: voters(count),
      }),
    );
  const five = render(5);
  assert.equal(five['default.replication.factor'], '3');
  assert.equal(five['min.insync.replicas'], '2');
  assert.equal(five['controller.quorum.voters']?.split(',').length, 5);
  const two = render(2);
  assert.equal(two['default.replication.factor'], '2');
  assert.equal(two['min.insync.replicas'], '1');
});

test('three nodes get consecutive ports from each base and a data dir each', () => {
  assert.deepEqual(layoutNodes('/b', 3, 9092, 9200), [
    { nodeId: 1, dataDir: '/b/node-1', port: 9092, controllerPort: 9200 },
    { nodeId: 2, dataDir: '/b/node-2', port: 9093, controllerPort: 9201 },
    { nodeId: 3, dataDir: '/b/node-3', port: 9094, controllerPort: 9202 },
  ]);
  assert.deepEqual(layoutNodes('/b', 2, 9092, [40001, 40007]), [
    { nodeId: 1, dataDir: '/b/node-1', port: 9092, controllerPort: 40001 },
    { nodeId: 2, dataDir: '/b/node-2', port: 9093, controllerPort: 40007 },
  ]);
});

test('a single node keeps the data dir itself, as before clusters', () => {
  assert.deepEqual(layoutNodes('/b', 1, 9092, 9093), [
    { nodeId: 1, dataDir: '/b', port: 9092, controllerPort: 9093 },
  ]);
});

test('node counts and ports that do not fit are refused in one line naming the flag', () => {
  const refuses = (run: () => unknown, message: string) =>
    assert.throws(run, (error: Error) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, message);
      return true;
    });
  refuses(
    () => layoutNodes('/b', 0, 9092, 9200),
    '--nodes takes a whole number from 1 to 5 (got 0) — 3 is the smallest cluster that survives losing a node',
  );
  refuses(
    () => layoutNodes('/b', 6, 9092, 9200),
    '--nodes takes a whole number from 1 to 5 (got 6) — 3 is the smallest cluster that survives losing a node',
  );
  refuses(
    () => layoutNodes('/b', 3, 65534, 9200),
    '--port 65534 leaves no room for 3 nodes (65534–65536) — choose a port up to 65533',
  );
  refuses(
    () => layoutNodes('/b', 3, 9092, 9094),
    'controller port 9094 is also a client port (--port 9092–9094) — give --controller-port ports of its own',
  );
  refuses(
    () => layoutNodes('/b', 1, 9092, 9092),
    'controller port 9092 is also a client port (--port 9092) — give --controller-port ports of its own',
  );
});
