// Shapes kafkajs' log lines for the person reading them. A rule names lines by their text and
// the level they deserve: conditions kafkajs retries by itself are one info line, expected noise
// is debug, and warnings stay for what a user should act on. Rules only ever lower a level.
// Stack traces show only at debug: a line keeps its level without its `stack` field, and the
// stack follows as a debug line of its own.
import type { Logger, LogLevel } from './logger';

export interface KafkaLogRule {
  /** tested against the line as it reaches our logger: "<namespace>: <message>" */
  pattern: RegExp;
  level: LogLevel;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Start-up and membership conditions kafkajs retries on its own (a broker still loading its
 * group coordinator, a leader election, a rebalance): worth one info line, never a warning.
 */
export const KAFKA_RETRIABLE_RULES: readonly KafkaLogRule[] = [
  { pattern: /The coordinator is loading/, level: 'info' },
  { pattern: /The group coordinator is not available/, level: 'info' },
  { pattern: /This is not the correct coordinator/, level: 'info' },
  { pattern: /There is no leader for this topic-partition/, level: 'info' },
  { pattern: /This server is not the leader for that topic-partition/, level: 'info' },
  { pattern: /The group is rebalancing/, level: 'info' },
  // follows a crash line that already said why
  { pattern: /Restarting the consumer in \d+ms/, level: 'debug' },
];

/** Failures kafkajs logs and then retries or throws to the caller, which reports them. */
export const KAFKA_CALLER_HANDLED_RULES: readonly KafkaLogRule[] = [
  {
    pattern: /^[\w ]*: (Connection error|Failed to connect to seed broker|Response )/,
    level: 'debug',
  },
  // a wrong username or password: the caller names authentication in its one line
  {
    pattern: /^[\w -]*: SASL .*(authentication failed|Invalid username or password)/,
    level: 'debug',
  },
];

/** `logger` with kafkajs lines matching a rule (the first that matches) lowered to its level. */
export function filterKafkaLog(logger: Logger, rules: readonly KafkaLogRule[]): Logger {
  const write =
    (called: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const rule = rules.find((candidate) => candidate.pattern.test(message));
      const level = rule && ORDER[rule.level] < ORDER[called] ? rule.level : called;
      if (level === 'debug' || fields?.stack === undefined) {
        logger[level](message, fields);
        return;
      }
      const { stack, ...rest } = fields;
      logger[level](message, rest);
      logger.debug(`${message} (stack)`, { stack });
    };
  return {
    debug: (message, fields) => logger.debug(message, fields),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (component) => filterKafkaLog(logger.child(component), rules),
  };
}
