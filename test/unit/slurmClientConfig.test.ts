// `cluster slurm submit --client-config FILE`: each array task's worker reads the same file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerArrayScript } from '../../main/cluster/slurm/workerArrayScript';

const spec = {
  name: 'ps-secure',
  jobDir: '/home/ana/ps-job',
  command: ['node', '/shared/ps/bin/parquet-streamer.js'],
  brokers: ['kafka1:9093'],
  group: 'g',
  inputTopic: 'in',
  outputTopic: 'out',
  transform: 'passthrough',
  logLevel: 'info' as const,
  dataDirPattern: '/scratch/$USER/ps-%a',
  webPortBase: 6066,
  webHost: '0.0.0.0',
};

test("a client properties file reaches every task's worker command; none, no flag", () => {
  const script = workerArrayScript({ ...spec, clientConfig: "/home/ana/ana's client.properties" });
  assert.match(script, / --client-config '\/home\/ana\/ana'\\''s client\.properties' /);
  assert.doesNotMatch(workerArrayScript(spec), /--client-config/);
});
