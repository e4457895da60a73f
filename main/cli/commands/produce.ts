// `parquet-streamer produce PATH --topic T`: streams a Parquet file or dataset into a topic,
// with a progress bar on a terminal, Ctrl+C to stop cleanly, and a final summary.
import { Option, type Command } from 'commander';
import type { TimestampMode } from '../../parquet/rowCodec';
import {
  ParquetProducer,
  type ProduceOptions,
  type ProduceProgress,
} from '../../producer/parquetProducer';
import { PARTITIONER_NAMES, type PartitionerName } from '../../producer/partitioners';
import { InputError } from '../../shared/errors';
import {
  brokersOption,
  parsePositiveNumber,
  parseTopicName,
  parseWholeNumber,
} from '../cliOptions';

interface ProduceFlags {
  topic: string;
  brokers: string[];
  createTopic?: boolean;
  partitions?: number;
  replicationFactor?: number;
  key?: string;
  partitioner: PartitionerName;
  rate?: number;
  replayColumn?: string;
  speed?: number;
  shuffle?: boolean;
  seed?: number;
  limit?: number;
  offset?: number;
  timestamps: TimestampMode;
  resume?: boolean;
  checkpointDir?: string;
  deliveryThreads?: number;
  json?: boolean;
}

/** More threads than this only add memory: the reader and codec are one thread. */
const MAX_DELIVERY_THREADS = 8;

export function registerProduceCommand(program: Command): void {
  program
    .command('produce <path>')
    .description('stream a Parquet file or dataset folder into a topic, one JSON message per row')
    .requiredOption('--topic <name>', 'topic to write to', parseTopicName('--topic'))
    .addOption(brokersOption())
    .option('--create-topic', 'create the topic when it does not exist (needs --partitions)')
    .option(
      '--partitions <n>',
      'partitions of a topic created by --create-topic',
      parseWholeNumber('--partitions'),
    )
    .option(
      '--replication-factor <n>',
      'replicas of a topic created by --create-topic',
      parseWholeNumber('--replication-factor'),
    )
    .option(
      '--key <column>',
      'message key column (default: the row index, as the Python pipeline did)',
    )
    .addOption(
      new Option(
        '--partitioner <name>',
        'default = murmur2 like the Java client; modulo = int(key) % partitions',
      )
        .choices(PARTITIONER_NAMES)
        .default('default'),
    )
    .option(
      '--rate <rows>',
      'rows per second (default: as fast as the broker accepts)',
      parsePositiveNumber('--rate'),
    )
    .option(
      '--replay-column <column>',
      'replay by event time: rows are as far apart as their times in this column',
    )
    .option('--speed <x>', 'replay speed-up for --replay-column', parsePositiveNumber('--speed'))
    .option('--shuffle', 'shuffle the rows within each row group')
    .option('--seed <n>', 'shuffle seed, for a repeatable order', parseWholeNumber('--seed'))
    .option('--limit <n>', 'send at most this many rows', parseWholeNumber('--limit'))
    .option('--offset <n>', 'skip this many rows first', parseWholeNumber('--offset'))
    .addOption(
      new Option('--timestamps <form>', 'timestamps as ISO-8601 strings or epoch milliseconds')
        .choices(['iso', 'epoch-ms'])
        .default('iso'),
    )
    .option('--resume', 'continue an interrupted run from its checkpoint, without duplicates')
    .option('--checkpoint-dir <dir>', 'where checkpoints are kept (default: the app data folder)')
    .option(
      '--delivery-threads <n>',
      'threads that build and send Kafka requests (default 1; more only help on many cores)',
      parseWholeNumber('--delivery-threads'),
    )
    .option('--json', 'print the summary as JSON')
    .action(async (datasetPath: string, flags: ProduceFlags) => {
      const producer = new ParquetProducer(produceOptions(datasetPath, flags));
      const bar = process.stderr.isTTY ? new ProgressBar() : null;
      if (bar) producer.on('progress', (progress: ProduceProgress) => bar.draw(progress));
      // Ctrl+C or SIGTERM: deliver what is in flight; the same signal again quits at once
      const onInterrupt = (signal: NodeJS.Signals) => {
        process.stderr.write(
          '\nstopping: delivering the rows in flight (Ctrl+C again to quit now)\n',
        );
        process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
        void producer.stop();
      };
      process.once('SIGINT', onInterrupt);
      process.once('SIGTERM', onInterrupt);
      try {
        const summary = await producer.run();
        bar?.finish();
        if (flags.json) {
          console.log(JSON.stringify(summary));
          return;
        }
        console.log(
          `${summary.stopped ? 'stopped' : 'done'}: ${summary.rowsAcked} rows acknowledged ` +
            `(read ${summary.rowsRead}, sent ${summary.rowsSent}, failed ${summary.rowsFailed}) ` +
            `in ${summary.seconds.toFixed(1)} s, ${Math.round(summary.rowsPerSecond)} rows/s`,
        );
        if (summary.stopped) console.log('continue with the same command and --resume');
      } finally {
        bar?.finish();
        process.removeListener('SIGINT', onInterrupt);
        process.removeListener('SIGTERM', onInterrupt);
      }
    });
}

function produceOptions(datasetPath: string, flags: ProduceFlags): ProduceOptions {
  if (flags.createTopic && flags.partitions === undefined) {
    throw new InputError(
      '--create-topic needs --partitions N (how many partitions the topic gets)',
    );
  }
  if (flags.speed !== undefined && flags.replayColumn === undefined) {
    throw new InputError('--speed applies to --replay-column — add --replay-column COLUMN');
  }
  if (flags.seed !== undefined && !flags.shuffle) {
    throw new InputError('--seed applies to --shuffle — add --shuffle');
  }
  const threads = flags.deliveryThreads;
  if (threads !== undefined && (threads < 1 || threads > MAX_DELIVERY_THREADS)) {
    throw new InputError(`--delivery-threads takes 1 to ${MAX_DELIVERY_THREADS} (got ${threads})`);
  }
  return {
    path: datasetPath,
    topic: flags.topic,
    brokers: flags.brokers,
    createTopic:
      flags.createTopic && flags.partitions !== undefined
        ? { partitions: flags.partitions, replicationFactor: flags.replicationFactor }
        : undefined,
    key: flags.key,
    partitioner: flags.partitioner,
    ratePerSecond: flags.rate ?? null,
    replayColumn: flags.replayColumn,
    speed: flags.speed,
    shuffle: flags.shuffle,
    seed: flags.seed,
    limit: flags.limit,
    offset: flags.offset,
    timestamps: flags.timestamps,
    checkpointDir: flags.checkpointDir,
    resume: flags.resume,
    deliveryThreads: flags.deliveryThreads,
  };
}

/** One self-rewriting line on stderr: bar, percentage, rows, rate, ETA. */
class ProgressBar {
  private drawn = false;

  draw(progress: ProduceProgress): void {
    const width = 30;
    const fraction =
      progress.rowsTotal > 0 ? Math.min(1, progress.rowsAcked / progress.rowsTotal) : 1;
    const filled = Math.round(fraction * width);
    const eta = progress.etaSeconds === null ? '?' : `${Math.ceil(progress.etaSeconds)}s`;
    const line =
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(1)}% ` +
      `${progress.rowsAcked.toLocaleString('en-US')}/${progress.rowsTotal.toLocaleString('en-US')} rows ` +
      `${Math.round(progress.rowsPerSecond).toLocaleString('en-US')} rows/s ETA ${eta} ${progress.state}`;
    process.stderr.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) process.stderr.write('\n');
    this.drawn = false;
  }
}
