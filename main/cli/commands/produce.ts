// `parquet-streamer produce PATH --topic T`: streams a Parquet file or dataset into a topic,
// with a progress bar on a terminal, Ctrl+C to stop cleanly, and a final summary.
import type { Command } from 'commander';
import {
  ParquetProducer,
  STOP_GRACE_MS,
  type ProduceOptions,
  type ProduceProgress,
} from '../../producer/parquetProducer';
import { addProducerSettingFlags, producerSettingsFromFlags } from '../../producer/producerFlags';
import { InputError } from '../../shared/errors';
import {
  addClientConfigOption,
  brokersOption,
  parseTopicName,
  parseWholeNumber,
} from '../cliOptions';

interface ProduceFlags {
  topic: string;
  brokers: string[];
  createTopic?: boolean;
  partitions?: number;
  replicationFactor?: number;
  checkpointDir?: string;
  deliveryThreads?: number;
  json?: boolean;
  /** the settings' flags (producerFlags.ts), read by producerSettingsFromFlags */
  [setting: string]: unknown;
}

/** More threads than this only add memory: the reader and codec are one thread. */
const MAX_DELIVERY_THREADS = 8;

export function registerProduceCommand(program: Command): void {
  const command = addClientConfigOption(program.command('produce <path>'))
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
    );
  addProducerSettingFlags(command)
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
          `\nstopping: delivering the rows in flight, for at most ${STOP_GRACE_MS / 1000} s (Ctrl+C again to quit now)\n`,
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
        if (summary.rowsUnconfirmed > 0) {
          console.log(
            `${summary.rowsUnconfirmed} rows in flight were not acknowledged before the stop`,
          );
        }
        if (summary.stopped) console.log('continue with the same command and --resume');
      } finally {
        bar?.finish();
        process.removeListener('SIGINT', onInterrupt);
        process.removeListener('SIGTERM', onInterrupt);
      }
    });
}

function produceOptions(datasetPath: string, flags: ProduceFlags): ProduceOptions {
  const settings = producerSettingsFromFlags(flags);
  if (flags.createTopic && flags.partitions === undefined) {
    throw new InputError(
      '--create-topic needs --partitions N (how many partitions the topic gets)',
    );
  }
  if (settings.speed !== undefined && settings.replayColumn === undefined) {
    throw new InputError('--speed applies to --replay-column — add --replay-column COLUMN', {
      field: 'speed',
    });
  }
  if (settings.seed !== undefined && !settings.shuffle) {
    throw new InputError('--seed applies to --shuffle — add --shuffle', { field: 'seed' });
  }
  const threads = flags.deliveryThreads;
  if (threads !== undefined && (threads < 1 || threads > MAX_DELIVERY_THREADS)) {
    throw new InputError(`--delivery-threads takes 1 to ${MAX_DELIVERY_THREADS} (got ${threads})`);
  }
  return {
    ...settings,
    path: datasetPath,
    topic: flags.topic,
    brokers: flags.brokers,
    createTopic:
      flags.createTopic && flags.partitions !== undefined
        ? { partitions: flags.partitions, replicationFactor: flags.replicationFactor }
        : undefined,
    checkpointDir: flags.checkpointDir,
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
      `${Math.round(progress.rowsPerSecond).toLocaleString('en-US')} rows/s ETA ${eta} ` +
      (progress.stalledSeconds === null
        ? progress.state
        : `stalled ${progress.stalledSeconds}s: no acknowledgement, retrying`);
    process.stderr.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) process.stderr.write('\n');
    this.drawn = false;
  }
}
