// One place that builds kafkajs clients: our logger instead of kafkajs' console output,
// bounded connection and request timeouts, retries that give up instead of hanging, and the
// process's TLS and SASL settings (clusterSecurity.ts).
import type { LogEntry } from 'kafkajs';
import { Kafka, logLevel } from './kafkajs';
import { InputError } from '../shared/errors';
import { filterKafkaLog, KAFKA_CALLER_HANDLED_RULES } from '../shared/kafkaLogFilter';
import { createLogger, type Logger } from '../shared/logger';
import { clusterSecurity, kafkajsSecurity, type ClusterSecurity } from './clusterSecurity';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger?: Logger;
  /** kafkajs logs below this level are dropped (default WARN: kafkajs is chatty) */
  level?: logLevel;
  /** how often a failed request is retried before the error reaches the caller (default 8) */
  retries?: number;
  /** TLS and SASL (default: the process's, clusterSecurity()) */
  security?: ClusterSecurity;
}

export function createKafka(options: KafkaClientOptions): Kafka {
  const logger = filterKafkaLog(
    options.logger ?? createLogger('kafka'),
    KAFKA_CALLER_HANDLED_RULES,
  );
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...kafkajsSecurity(options.security ?? clusterSecurity()),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: options.retries ?? 8, maxRetryTime: 5_000 },
    logLevel: options.level ?? logLevel.WARN,
    logCreator:
      () =>
      ({ level, namespace, log }: LogEntry) => {
        const { message, ...fields } = log;
        logger[LEVEL_NAMES[level] ?? 'info'](`${namespace}: ${message}`, fields);
      },
  });
}

/** "host:port,host:port" → list, with a one-line error for a malformed entry. */
export function parseBrokerList(text: string): string[] {
  const brokers = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) {
      throw new InputError(`"${broker}" is not host:port — write brokers like 127.0.0.1:9092`);
    }
    const port = Number(broker.slice(broker.lastIndexOf(':') + 1));
    if (port < 1 || port > 65535) {
      throw new InputError(`"${broker}" has no valid port — ports go from 1 to 65535`);
    }
  }
  return brokers;
}
