// Chooses the partition of every message. The producer assigns partitions itself, so a key
// lands where the user expects:
//   default     — Kafka's Java client: toPositive(murmur2(key bytes)) % partitions
//                 (rows without a key go round-robin, as no hash exists for them)
//   modulo      — the Python pipeline's int(key) % partitions (Python's floor modulo)
//   round-robin — one partition after another, ignoring the key
import { InputError } from '../shared/errors';
import { murmur2, toPositive } from './murmur2';
import type { PartitionerName } from './producerSettings';

export { PARTITIONER_NAMES, type PartitionerName } from './producerSettings';

/** Partition for a message from dataset row `row` whose key is `key` (null: no key). */
export type Partitioner = (key: string | null, row: number) => number;

export function createPartitioner(name: PartitionerName, partitions: number): Partitioner {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new InputError(`a topic needs at least 1 partition (got ${partitions})`);
  }
  switch (name) {
    case 'default':
      return murmur2Partitioner(partitions);
    case 'modulo':
      return moduloPartitioner(partitions);
    case 'round-robin':
      return roundRobinPartitioner(partitions);
  }
}

function murmur2Partitioner(partitions: number): Partitioner {
  const keyless = roundRobinPartitioner(partitions);
  // the hash is over the key's UTF-8 bytes, as they are sent
  return (key, row) =>
    key === null ? keyless(key, row) : toPositive(murmur2(Buffer.from(key, 'utf8'))) % partitions;
}

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

function moduloPartitioner(partitions: number): Partitioner {
  const bigPartitions = BigInt(partitions);
  return (key, row) => {
    if (key === null || !INTEGER_TEXT.test(key)) {
      const shown = key === null ? 'null' : JSON.stringify(key);
      throw new InputError(
        `--partitioner modulo needs whole-number keys, but row ${row} has key ${shown} — ` +
          'choose an integer --key column or --partitioner default',
        { field: 'partitioner' },
      );
    }
    const value = Number(key);
    if (Number.isSafeInteger(value)) return ((value % partitions) + partitions) % partitions;
    const big = BigInt(key.trim());
    return Number(((big % bigPartitions) + bigPartitions) % bigPartitions);
  };
}

function roundRobinPartitioner(partitions: number): Partitioner {
  let next = 0;
  return () => {
    const partition = next;
    next = next + 1 === partitions ? 0 : next + 1;
    return partition;
  };
}
