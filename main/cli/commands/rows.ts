// `parquet-streamer rows PATH [--limit N] [--offset N] [--timestamps iso|epoch-ms]`: JSON Lines
// on stdout, exactly the message values `produce` sends. A closed pipe (`| head`) ends it quietly.
import { Option, type Command } from 'commander';
import { ParquetDataset } from '../../parquet/parquetDataset';
import { RowCodec, type TimestampMode } from '../../parquet/rowCodec';
import { parseWholeNumber } from '../cliOptions';

interface RowsOptions {
  limit?: number;
  offset: number;
  timestamps: TimestampMode;
}

export function registerRowsCommand(program: Command): void {
  program
    .command('rows')
    .description('print rows as JSON Lines, exactly the message values produce sends')
    .argument('<path>', 'a Parquet file, or a folder of Parquet parts')
    .addOption(
      new Option('--limit <n>', 'print at most n rows').argParser(parseWholeNumber('--limit')),
    )
    .addOption(
      new Option('--offset <n>', 'skip the first n rows of the dataset')
        .argParser(parseWholeNumber('--offset'))
        .default(0),
    )
    .addOption(
      new Option('--timestamps <mode>', 'timestamps as ISO-8601 text or as epoch milliseconds')
        .choices(['iso', 'epoch-ms'])
        .default('iso'),
    )
    .action(async (datasetPath: string, options: RowsOptions) => {
      const dataset = await ParquetDataset.open(datasetPath);
      const codec = new RowCodec(dataset.schema, { timestamps: options.timestamps });
      const output = new StdoutLines();
      let remaining = options.limit ?? Infinity;
      if (remaining === 0) return;
      for await (const slice of dataset.readRowGroups({ fromRow: options.offset })) {
        const table =
          slice.table.numRows > remaining ? slice.table.slice(0, remaining) : slice.table;
        remaining -= table.numRows;
        if (!(await output.write(codec.encodeRows(table)))) return; // the reader went away
        if (remaining <= 0) return;
      }
    });
}

/** Writes lines to stdout, waiting when the pipe is full and stopping when it is closed. */
class StdoutLines {
  private closed = false;
  private failure: Error | null = null;

  constructor() {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') this.closed = true;
      else this.failure = error;
    });
  }

  /** false once the reader has closed the pipe */
  async write(lines: string[]): Promise<boolean> {
    const batch = 4096;
    for (let start = 0; start < lines.length && !this.closed; start += batch) {
      const text = lines.slice(start, start + batch).join('\n') + '\n';
      if (!process.stdout.write(text)) await this.drained();
      if (this.failure) throw this.failure;
    }
    return !this.closed;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        process.stdout.off('drain', done);
        process.stdout.off('error', done);
        resolve();
      };
      process.stdout.on('drain', done);
      process.stdout.on('error', done);
    });
  }
}
