// `parquet-streamer transform PATH --transform SPEC [--limit N] [--json]`: runs a transform over
// the first rows of a dataset, exactly as they would be sent, and shows what each step did.
// Output rows go to stdout as JSON Lines, the per-step table and row errors to stderr;
// --json prints one object { rows, steps } instead.
import { Option, type Command } from 'commander';
import { readFirstRows } from '../../parquet/firstRows';
import { ParquetDataset } from '../../parquet/parquetDataset';
import type { TimestampMode } from '../../parquet/rowCodec';
import type { StepTally } from '../../pipelines/pipeline';
import { presetList } from '../../pipelines/presets';
import { previewTransform } from '../../pipelines/previewTransform';
import { loadTransform } from '../../pipelines/transformSource';
import { parseWholeNumber } from '../cliOptions';

interface TransformOptions {
  transform: string;
  limit: number;
  json?: boolean;
  timestamps: TimestampMode;
}

export function registerTransformCommand(program: Command): void {
  program
    .command('transform')
    .description('run a transform over the first rows of a dataset and show what each step did')
    .argument('<path>', 'a Parquet file, or a folder of Parquet parts')
    .requiredOption(
      '--transform <spec>',
      `a preset (${presetList()}), a .json spec or a .js/.cjs/.mjs module`,
    )
    .addOption(
      new Option('--limit <n>', 'run over the first n rows')
        .argParser(parseWholeNumber('--limit'))
        .default(20),
    )
    .option('--json', 'print one JSON object { rows, steps } instead of JSON Lines and a table')
    .addOption(
      new Option('--timestamps <mode>', 'timestamps as ISO-8601 text or as epoch milliseconds')
        .choices(['iso', 'epoch-ms'])
        .default('iso'),
    )
    .action(async (datasetPath: string, options: TransformOptions) => {
      const dataset = await ParquetDataset.open(datasetPath);
      const errors: string[] = [];
      const { transform } = await loadTransform(options.transform, {
        inputFields: dataset.fields().map((field) => field.name),
        onRowError: ({ step, type, message }) => errors.push(`step ${step} (${type}): ${message}`),
      });
      const input = await readFirstRows(dataset, options.limit, { timestamps: options.timestamps });
      const { rows, tally } = previewTransform(transform, input);
      if (options.json) {
        process.stdout.write(JSON.stringify({ rows, steps: tally, errors }, null, 2) + '\n');
        return;
      }
      process.stdout.write(rows.map((row) => JSON.stringify(row) + '\n').join(''));
      process.stderr.write(stepTable(tally).join('\n') + '\n');
      for (const error of errors) process.stderr.write(`row error: ${error}\n`);
    });
}

/** step, type, in, out, dropped, errors, late — numbers right-aligned */
export function stepTable(tally: StepTally): string[] {
  const rows = [
    ['step', 'type', 'in', 'out', 'dropped', 'errors', 'late'],
    ...tally.map((counter) =>
      [
        counter.step,
        counter.type,
        counter.in,
        counter.out,
        counter.dropped,
        counter.errors,
        counter.late,
      ].map(String),
    ),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join('  ')
      .trimEnd(),
  );
}
