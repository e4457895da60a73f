// Parsers for CLI option values, shared by every command: each rejects bad input with a
// one-line error that names the flag.
import { Option, type Command } from 'commander';
import { loadClientConfig } from '../broker/clientProperties';
import { checkNodeCount } from '../broker/clusterLayout';
import { useClusterSecurity } from '../broker/clusterSecurity';
import { parseBrokerList } from '../broker/kafkaClient';
import { InputError } from '../shared/errors';
import { checkTopicName } from '../shared/topicName';

export const DEFAULT_BROKERS = '127.0.0.1:9092';

export function parseWholeNumber(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) {
      throw new InputError(`${flag} takes a whole number (got "${value}")`);
    }
    return Number(value);
  };
}

export function parsePositiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) {
      throw new InputError(`${flag} takes a number above 0 (got "${value}")`);
    }
    return number;
  };
}

/** How many nodes a local broker gets: 1 to 5. */
export function parseNodeCount(flag: string): (value: string) => number {
  return (value) => checkNodeCount(parseWholeNumber(flag)(value), flag);
}

/** A TCP port from 1 (or 0, "pick a free one", where `zeroPicksFree`) to 65535. */
export function parsePort(flag: string, zeroPicksFree = false): (value: string) => number {
  const lowest = zeroPicksFree ? 0 : 1;
  return (value) => {
    const port = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!(port >= lowest && port <= 65535)) {
      throw new InputError(`${flag} takes a port from ${lowest} to 65535 (got "${value}")`);
    }
    return port;
  };
}

/** A host name or IP address (what a listener binds or a client is told to connect to). */
export function parseHost(flag: string): (value: string) => string {
  return (value) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9.:_-]{0,252}$/.test(value)) {
      throw new InputError(`${flag} takes a host name or IP address (got "${value}")`);
    }
    return value;
  };
}

export function parseTopicName(flag: string): (value: string) => string {
  return (value) => checkTopicName(value, flag);
}

export function parseBrokers(value: string): string[] {
  let brokers: string[];
  try {
    brokers = parseBrokerList(value);
  } catch (error) {
    throw new InputError(`--brokers: ${(error as Error).message}`);
  }
  if (brokers.length === 0) {
    throw new InputError(`--brokers: give at least one host:port, like ${DEFAULT_BROKERS}`);
  }
  return brokers;
}

/** `--brokers host:port,…`, defaulting to the local broker. */
export function brokersOption(): Option {
  return new Option('--brokers <list>', 'host:port,… of the cluster')
    .argParser(parseBrokers)
    .default(parseBrokers(DEFAULT_BROKERS), DEFAULT_BROKERS);
}

/**
 * `--client-config FILE` on a command that talks to Kafka. Before the command runs, the file's
 * TLS and SASL settings apply to every client of the process (and to the workers it starts),
 * and its bootstrap.servers stand in for a --brokers not given.
 */
export function addClientConfigOption(command: Command): Command {
  return command
    .option(
      '--client-config <file>',
      'Kafka client properties for a secured cluster (bootstrap.servers, security.protocol, sasl.*, ssl.*)',
    )
    .hook('preAction', (_command, action) => {
      const file = action.getOptionValue('clientConfig') as string | undefined;
      if (!file) return;
      const config = loadClientConfig(file);
      useClusterSecurity(config.security);
      if (action.getOptionValueSource('brokers') !== 'cli') {
        action.setOptionValueWithSource('brokers', config.brokers, 'config');
      }
    });
}
