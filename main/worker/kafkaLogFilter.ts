// Demotes kafkajs log lines that are expected in a transactional worker to debug, so a healthy
// worker's log shows no errors: CONCURRENT_TRANSACTIONS is retried by kafkajs while the previous
// commit's markers are written, the idempotent-retries warning does not apply because a
// failed transaction is aborted and its batch delivered again, and a producer fenced by the
// partition's new owner is reported by the processor itself.
import type { Logger } from '../shared/logger';

const EXPECTED_KAFKA_NOISE: RegExp[] = [
  /concurrent operation on the same transaction was ongoing/,
  /Limiting retries for the idempotent producer may invalidate EoS guarantees/,
  /Producer attempted an operation with an old epoch/,
];

export function withoutExpectedNoise(logger: Logger): Logger {
  const demote =
    (level: 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (EXPECTED_KAFKA_NOISE.some((pattern) => pattern.test(message)))
        logger.debug(message, fields);
      else logger[level](message, fields);
    };
  return {
    debug: (message, fields) => logger.debug(message, fields),
    info: demote('info'),
    warn: demote('warn'),
    error: demote('error'),
    child: (component) => withoutExpectedNoise(logger.child(component)),
  };
}
