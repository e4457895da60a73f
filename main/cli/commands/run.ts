// `parquet-streamer run PATH --workers N …`: the whole pipeline headless — the local broker
// unless --brokers, fresh topics, N workers, the producer — with one progress line, then a
// summary and a check of the committed output against the transform computed locally. Exit 0
// only when no output row is missing, duplicated or different.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { BrokerConnection } from '../../api/brokerConnection';
import { DEFAULT_PRESET, presetList } from '../../pipelines/presets';
import { runPipeline, type RunProgress, type RunSummary } from '../../run/pipelineRun';
import { brokerDataDir } from '../../shared/appPaths';
import { EXIT_CODE, InputError } from '../../shared/errors';
import { createLogger } from '../../shared/logger';
import {
  addClientConfigOption,
  parseBrokers,
  parsePositiveNumber,
  parseWholeNumber,
} from '../cliOptions';
import { stepTable } from './transform';

interface RunFlags {
  workers: number;
  partitions: number;
  input?: string;
  output?: string;
  transform: string;
  brokers?: string[];
  rate?: number;
  json?: boolean;
}

export function registerRunCommand(program: Command): void {
  addClientConfigOption(program.command('run'))
    .description(
      'stream a dataset through N workers and check the committed output row by row (exit 0 only when exact)',
    )
    .argument('<path>', 'a Parquet file, or a folder of Parquet parts')
    .addOption(
      new Option('--workers <n>', 'worker processes').argParser(parseCount('--workers')).default(2),
    )
    .addOption(
      new Option('--partitions <n>', 'partitions of the topics it creates')
        .argParser(parseCount('--partitions'))
        .default(4),
    )
    .option('--input <topic>', 'input topic (default: a new one for this run)')
    .option('--output <topic>', 'output topic (default: a new one for this run)')
    .option(
      '--transform <spec>',
      `a preset (${presetList()}), a .json spec or a .js/.cjs/.mjs module`,
      DEFAULT_PRESET,
    )
    .option(
      '--brokers <list>',
      'host:port,… of an existing cluster (default: the local broker)',
      parseBrokers,
    )
    .option('--rate <rows-per-second>', 'limit the producer', parsePositiveNumber('--rate'))
    .option('--json', 'print the summary as JSON')
    .action(async (datasetPath: string, flags: RunFlags) => {
      const logger = createLogger('run');
      const broker = new BrokerConnection({
        brokers: flags.brokers,
        dataDir: brokerDataDir(),
        logger,
      });
      const scratch = await mkdtemp(path.join(tmpdir(), 'ps-run-'));
      const id = randomUUID().slice(0, 8);
      const progress = progressPrinter();
      try {
        const summary = await runPipeline({
          path: datasetPath,
          workers: flags.workers,
          partitions: flags.partitions,
          inputTopic: flags.input ?? `run-${id}-input`,
          outputTopic: flags.output ?? `run-${id}-output`,
          transform: flags.transform,
          brokers: await broker.ready(),
          ratePerSecond: flags.rate ?? null,
          appDataDir: scratch,
          logger,
          onProgress: progress.update,
        });
        progress.end();
        if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
        else process.stdout.write(summaryLines(summary, flags.workers).join('\n') + '\n');
        if (!summary.exact) process.exitCode = EXIT_CODE.environment;
      } finally {
        progress.end();
        await broker.close();
        await rm(scratch, { recursive: true, force: true });
      }
    });
}

function parseCount(flag: string): (value: string) => number {
  const whole = parseWholeNumber(flag);
  return (value) => {
    const count = whole(value);
    if (count < 1) throw new InputError(`${flag} takes a whole number from 1 (got "${value}")`);
    return count;
  };
}

/** One line that rewrites itself on a terminal, or a line every 5 s in a log. */
function progressPrinter(): { update: (progress: RunProgress) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let lastPrinted = 0;
  let pending = false;
  return {
    update(progress) {
      const now = performance.now();
      if (!tty && now - lastPrinted < 5_000) return;
      lastPrinted = now;
      const text =
        progress.phase === 'streaming'
          ? `streaming: ${fmt(progress.rowsProduced)} / ${fmt(progress.rowsTotal)} rows produced`
          : progress.phase === 'draining'
            ? `workers: ${fmt(progress.rowsCommitted)} / ${fmt(progress.rowsTotal)} rows committed`
            : 'checking the committed output against the transform run locally…';
      process.stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
      pending = tty;
    },
    end() {
      if (pending) process.stderr.write('\n');
      pending = false;
    },
  };
}

export function summaryLines(summary: RunSummary, workers: number): string[] {
  const lines = [
    `${fmt(summary.rowsProduced)} rows produced, ${fmt(summary.rowsOut)} rows out, in ${summary.seconds.toFixed(1)} s (${summary.transform}, ${workers} worker${workers === 1 ? '' : 's'})`,
    ...stepTable(summary.steps),
  ];
  if (summary.rows) {
    const { missing, duplicated, different, examples } = summary.rows;
    lines.push(
      `output by source.row (read_committed): ${fmt(missing)} missing, ${fmt(duplicated)} duplicated, ${fmt(different)} different`,
    );
    for (const [kind, rows] of Object.entries(examples))
      if (rows.length > 0) lines.push(`  ${kind}, e.g. source.row ${rows.join(', ')}`);
  }
  if (summary.windows) {
    const { basis, expected, missing, different, unexpected, open, examples } = summary.windows;
    const late = summary.workerSteps.reduce((sum, step) => sum + step.late, 0);
    if (late > 0)
      lines.push(
        `${fmt(late)} rows came later than the window's grace period in their input partition's order and were counted, not aggregated (the local run refuses the same rows); raise the window's "grace" to aggregate them`,
      );
    lines.push(
      basis === 'windows'
        ? `windows (last committed result vs. the input aggregated locally, partition by partition): ${fmt(expected)} expected, ${fmt(missing)} missing, ${fmt(different)} different, ${fmt(unexpected)} unexpected, ${fmt(open)} left open`
        : `processing-time windows, counts per key over all windows (vs. the file counted locally): ${fmt(expected)} keys, ${fmt(missing)} missing, ${fmt(different)} different, ${fmt(unexpected)} unexpected`,
      ...examples.map((example) => `  ${example}`),
    );
  }
  lines.push(summary.exact ? 'exact: every expected output row, once' : 'NOT exact');
  return lines;
}

function fmt(value: number): string {
  return value.toLocaleString('en-US');
}
