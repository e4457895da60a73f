// The shared kafkajs log filter: the first matching rule lowers a line to its level (never
// raises it), a stack leaves the line and follows at debug, other fields stay, child loggers
// filter too; the shared rule sets cover kafkajs' retriable start-up conditions and the
// failures kafkajs hands to the caller.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  filterKafkaLog,
  KAFKA_CALLER_HANDLED_RULES,
  KAFKA_RETRIABLE_RULES,
} from '../../main/shared/kafkaLogFilter';
import type { Logger } from '../../main/shared/logger';

type Call = [level: string, component: string, message: string, fields?: Record<string, unknown>];

function recorder(calls: Call[], component = 'kafka'): Logger {
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      calls.push(
        fields === undefined ? [level, component, message] : [level, component, message, fields],
      );
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (sub) => recorder(calls, `${component}.${sub}`),
  };
}

test('a rule lowers a line, never raises one, and the first match wins', () => {
  const calls: Call[] = [];
  const logger = filterKafkaLog(recorder(calls), [
    { pattern: /loading/, level: 'info' },
    { pattern: /load/, level: 'debug' },
    { pattern: /noted/, level: 'error' },
  ]);
  logger.error('Consumer: coordinator loading', { groupId: 'g' });
  logger.warn('Consumer: load shed');
  logger.info('Consumer: noted');
  logger.warn('Consumer: something else');
  logger.debug('Consumer: loading');
  assert.deepEqual(calls, [
    ['info', 'kafka', 'Consumer: coordinator loading', { groupId: 'g' }],
    ['debug', 'kafka', 'Consumer: load shed'],
    ['info', 'kafka', 'Consumer: noted'],
    ['warn', 'kafka', 'Consumer: something else'],
    ['debug', 'kafka', 'Consumer: loading'],
  ]);
});

test('a stack leaves its line and follows as a debug line; at debug it stays', () => {
  const calls: Call[] = [];
  const logger = filterKafkaLog(recorder(calls), [{ pattern: /quiet/, level: 'debug' }]);
  logger.error('Consumer: Crash: boom', { groupId: 'g', stack: 'Error: boom\n  at x' });
  logger.error('Consumer: quiet crash', { stack: 'Error: q\n  at y' });
  assert.deepEqual(calls, [
    ['error', 'kafka', 'Consumer: Crash: boom', { groupId: 'g' }],
    ['debug', 'kafka', 'Consumer: Crash: boom (stack)', { stack: 'Error: boom\n  at x' }],
    ['debug', 'kafka', 'Consumer: quiet crash', { stack: 'Error: q\n  at y' }],
  ]);
});

test('child loggers filter with the same rules', () => {
  const calls: Call[] = [];
  filterKafkaLog(recorder(calls), [{ pattern: /x/, level: 'info' }])
    .child('producer')
    .warn('Producer: x');
  assert.deepEqual(calls, [['info', 'kafka.producer', 'Producer: x']]);
});

test('the shared rules: retriable start-up conditions are info, caller-handled ones debug', () => {
  const calls: Call[] = [];
  const logger = filterKafkaLog(recorder(calls), [
    ...KAFKA_CALLER_HANDLED_RULES,
    ...KAFKA_RETRIABLE_RULES,
  ]);
  // the texts kafkajs 2.2.4 logs (src/protocol/error.js, src/consumer/runner.js, index.js)
  logger.error(
    "Consumer: Crash: KafkaJSNumberOfRetriesExceeded: The coordinator is loading and hence can't process requests for this group",
  );
  logger.error('Consumer: Crash: KafkaJSProtocolError: The group coordinator is not available');
  logger.error(
    'Consumer: Crash: KafkaJSProtocolError: This is not the correct coordinator for this group',
  );
  logger.warn('Runner: The group is rebalancing, re-joining');
  logger.error(
    'Producer: There is no leader for this topic-partition as we are in the middle of a leadership election',
  );
  logger.error('Consumer: Restarting the consumer in 312ms');
  logger.error('Connection: Response JoinGroup(key: 11, version: 5)');
  logger.error('BrokerPool: Failed to connect to seed broker, trying another broker from the list');
  logger.error('Connection: Connection error: connect ECONNREFUSED 127.0.0.1:1');
  logger.warn('Consumer: consumer#run was called, but the consumer is already running');
  assert.deepEqual(
    calls.map(([level]) => level),
    ['info', 'info', 'info', 'info', 'info', 'debug', 'debug', 'debug', 'debug', 'warn'],
  );
});
