// `parquet-streamer demo-data PATH`: writes the synthetic NYC-parking-violations dataset the
// app's "Generate demo data" button makes (same seed → the same bytes).
import type { Command } from 'commander';
import { writeDemoDataset } from '../../parquet/demoDataset';
import { parseWholeNumber } from '../cliOptions';

interface DemoDataFlags {
  rows: number;
  seed: number;
}

export function registerDemoDataCommand(program: Command): void {
  program
    .command('demo-data <path>')
    .description('write a synthetic parking-violations Parquet file to try the app with')
    .option('--rows <n>', 'how many rows', parseWholeNumber('--rows'), 200_000)
    .option(
      '--seed <n>',
      'random seed; the same seed writes the same file',
      parseWholeNumber('--seed'),
      1,
    )
    .action(async (path: string, flags: DemoDataFlags) => {
      const showProgress = process.stderr.isTTY;
      await writeDemoDataset({
        path,
        rows: flags.rows,
        seed: flags.seed,
        onProgress: (written) => {
          if (showProgress) {
            process.stderr.write(`\rwriting ${Math.round((100 * written) / flags.rows)}%`);
          }
        },
      });
      if (showProgress) process.stderr.write('\r');
      console.log(`wrote ${flags.rows} rows to ${path}`);
    });
}
