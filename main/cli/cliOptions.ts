// Parsers for CLI option values, shared by every command: each rejects bad input with a
// one-line error that names the flag.
import { Option } from 'commander';
import { parseBrokerList } from '../broker/kafkaClient';
import { InputError } from '../shared/errors';

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

export function parseBrokers(value: string): string[] {
  return parseBrokerList(value);
}

/** `--brokers host:port,…`, defaulting to the local broker. */
export function brokersOption(): Option {
  return new Option('--brokers <list>', 'host:port,… of the cluster')
    .argParser(parseBrokers)
    .default(parseBrokers(DEFAULT_BROKERS), DEFAULT_BROKERS);
}
