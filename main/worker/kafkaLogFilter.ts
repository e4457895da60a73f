// What a transactional worker's terminal shows of kafkajs (the mechanism is shared/kafkaLogFilter):
// CONCURRENT_TRANSACTIONS is retried by kafkajs while the previous commit's markers are written,
// the idempotent-retries warning does not apply because a failed transaction is aborted and its
// batch delivered again, the processor logs a rebalance itself and reports a producer fenced by
// the partition's new owner, and says itself when it lost the broker (so kafkajs' consumer crash
// on a refused or closed connection is debug); start-up conditions kafkajs retries are one info
// line; stack traces only at -l debug.
import { filterKafkaLog, KAFKA_RETRIABLE_RULES, type KafkaLogRule } from '../shared/kafkaLogFilter';
import type { Logger } from '../shared/logger';

const WORKER_RULES: readonly KafkaLogRule[] = [
  { pattern: /concurrent operation on the same transaction was ongoing/, level: 'debug' },
  {
    pattern: /Limiting retries for the idempotent producer may invalidate EoS guarantees/,
    level: 'debug',
  },
  { pattern: /The group is rebalancing, re-joining/, level: 'debug' },
  { pattern: /Producer attempted an operation with an old epoch/, level: 'debug' },
  {
    pattern:
      /^Consumer: Crash: .*(Connection error|Closed connection|Failed to find group coordinator)/,
    level: 'debug',
  },
  ...KAFKA_RETRIABLE_RULES,
];

export function withoutExpectedNoise(logger: Logger): Logger {
  return filterKafkaLog(logger, WORKER_RULES);
}
