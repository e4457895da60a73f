// Expected kafkajs noise in a transactional worker goes to debug; everything else keeps its level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../main/shared/logger';
import { withoutExpectedNoise } from '../../main/worker/kafkaLogFilter';

test('demotes CONCURRENT_TRANSACTIONS retries and the retries warning, keeps other lines', () => {
  const lines: string[] = [];
  const logger = withoutExpectedNoise(createLogger('worker', (line) => lines.push(line))).child(
    'kafka',
  );
  logger.error(
    'Producer: Failed to send messages: The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
  );
  logger.warn(
    'Producer: Limiting retries for the idempotent producer may invalidate EoS guarantees',
  );
  logger.error('Consumer: Crash: KafkaJSNumberOfRetriesExceeded');
  logger.warn('Runner: The group is rebalancing, re-joining');
  // debug lines show only when PS_LOG_LEVEL=debug; either way the noise is never above debug
  const noise = lines.filter((line) => /concurrent operation|Limiting retries/.test(line));
  assert.ok(noise.every((line) => / DEBUG \[worker\.kafka\] /.test(line)));
  const real = lines.filter((line) => !noise.includes(line));
  assert.equal(real.length, 2);
  assert.match(real[0]!, /ERROR \[worker\.kafka\] Consumer: Crash/);
  assert.match(real[1]!, /WARN \[worker\.kafka\] Runner: The group is rebalancing/);
});
