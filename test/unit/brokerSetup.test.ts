// Pure pieces of the broker manager: Java version parsing, broker settings, the Maven pom,
// broker lists.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseBrokerList } from '../../main/broker/kafkaClient';
import { renderServerProperties } from '../../main/broker/brokerConfig';
import { readLogTail } from '../../main/broker/localBroker';
import { KAFKA_VERSION, renderPom } from '../../main/broker/kafkaDistribution';
import { parseJavaMajor } from '../../main/broker/javaToolchain';

test('java -version output gives the major version, old and new styles', () => {
  assert.equal(parseJavaMajor('openjdk version "17.0.15" 2025-04-15'), 17);
  assert.equal(parseJavaMajor('java version "1.8.0_392"'), 8);
  assert.equal(parseJavaMajor('openjdk version "21" 2023-09-19'), 21);
  assert.equal(parseJavaMajor('command not found'), null);
});

test('the broker binds loopback only and uses single-node settings', () => {
  const properties = renderServerProperties({
    dataDir: '/data',
    host: '127.0.0.1',
    nodeId: 1,
    port: 9092,
    controllerPort: 9093,
    voters: [{ nodeId: 1, controllerPort: 9093 }],
  });
  const settings = Object.fromEntries(
    properties
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
  assert.equal(settings['listeners'], 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
  assert.equal(settings['controller.quorum.voters'], '1@127.0.0.1:9093');
  assert.equal(settings['default.replication.factor'], '1');
  assert.equal(settings['process.roles'], 'broker,controller');
  assert.equal(settings['offsets.topic.replication.factor'], '1');
  assert.equal(settings['transaction.state.log.replication.factor'], '1');
  assert.equal(settings['transaction.state.log.min.isr'], '1');
  assert.equal(settings['min.insync.replicas'], '1');
  assert.equal(settings['group.initial.rebalance.delay.ms'], '0');
  assert.equal(settings['log.dirs'], '/data/kraft-logs');
  assert.ok(!properties.includes('zookeeper'));
});

test('the pom pins the Kafka release and slf4j 2 for log4j2', () => {
  const pom = renderPom(KAFKA_VERSION);
  assert.match(pom, new RegExp(`<artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}<`));
  assert.match(pom, /<artifactId>kafka-tools<\/artifactId>/);
  assert.match(pom, /<artifactId>slf4j-api<\/artifactId><version>2\./);
  assert.match(KAFKA_VERSION, /^4\./);
});

test('broker lists are parsed and a malformed entry is named', () => {
  assert.deepEqual(parseBrokerList('a:1, b:2'), ['a:1', 'b:2']);
  assert.throws(() => parseBrokerList('localhost'), /"localhost" is not host:port/);
});

test('the log tail comes from the end of a long broker log', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-log-tail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = path.join(dir, 'broker.log');
  writeFileSync(log, Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n') + '\n');
  assert.deepEqual(readLogTail(log, 2), ['line 19998', 'line 19999']);
  assert.deepEqual(readLogTail(path.join(dir, 'absent.log')), []);
});
