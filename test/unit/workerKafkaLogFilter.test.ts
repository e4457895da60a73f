// What a worker's terminal shows of kafkajs: expected transactional noise and kafkajs' own
// rebalance warning go to debug (the processor logs the rebalance itself), a start-up condition
// kafkajs retries is one info line without its stack, and a real failure keeps its level with
// the stack only at debug.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../main/shared/logger';
import { withoutExpectedNoise } from '../../main/worker/kafkaLogFilter';

const STACK = 'KafkaJSProtocolError: x\n    at Runner.start (runner.js:1:1)';

test('a worker shows retriable conditions as one info line and failures as they are', () => {
  const previous = process.env.PS_LOG_LEVEL;
  process.env.PS_LOG_LEVEL = 'info';
  const lines: string[] = [];
  try {
    const logger = withoutExpectedNoise(createLogger('worker', (line) => lines.push(line))).child(
      'kafka',
    );
    logger.error(
      'Producer: Failed to send messages: The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
    );
    logger.warn(
      'Producer: Limiting retries for the idempotent producer may invalidate EoS guarantees',
    );
    logger.warn('Runner: The group is rebalancing, re-joining', { groupId: 'g' });
    logger.error(
      "Consumer: Crash: KafkaJSNumberOfRetriesExceeded: The coordinator is loading and hence can't process requests for this group",
      { groupId: 'g', stack: STACK },
    );
    logger.error('Consumer: Restarting the consumer in 300ms', { groupId: 'g' });
    // the processor logs the lost broker itself
    logger.error(
      'Consumer: Crash: KafkaJSNonRetriableError: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      { groupId: 'g', stack: STACK },
    );
    logger.error('Consumer: Crash: KafkaJSNonRetriableError: Failed to find group coordinator', {
      groupId: 'g',
    });
    logger.error('Consumer: Crash: KafkaJSProtocolError: Not authorized to access topics', {
      stack: STACK,
    });
  } finally {
    process.env.PS_LOG_LEVEL = previous;
  }
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[0]!, / INFO \[worker\.kafka\] Consumer: Crash: .*The coordinator is loading/);
  assert.match(lines[1]!, / ERROR \[worker\.kafka\] Consumer: Crash: .*Not authorized/);
  assert.ok(
    lines.every((line) => !line.includes('runner.js')),
    'no stack above debug',
  );
});

test('at -l debug the stacks and the demoted lines are there', () => {
  const previous = process.env.PS_LOG_LEVEL;
  process.env.PS_LOG_LEVEL = 'debug';
  const lines: string[] = [];
  try {
    const logger = withoutExpectedNoise(createLogger('worker', (line) => lines.push(line)));
    logger.warn('Runner: The group is rebalancing, re-joining');
    logger.error('Consumer: Crash: KafkaJSProtocolError: Not authorized', { stack: STACK });
  } finally {
    process.env.PS_LOG_LEVEL = previous;
  }
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0]!, / DEBUG \[worker\] Runner: The group is rebalancing/);
  assert.match(
    lines[1]!,
    / ERROR \[worker\] Consumer: Crash: KafkaJSProtocolError: Not authorized$/,
  );
  assert.match(lines[2]!, / DEBUG \[worker\] Consumer: Crash: .* \(stack\) .*runner\.js:1:1/);
});
