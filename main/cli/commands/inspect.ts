// `parquet-streamer inspect PATH [--json] [--verify]`: what a Parquet file or dataset folder holds
// — its columns (name, type, nullability), rows, row groups, compression and size on disk — read
// from the footers; --verify also decodes every page of every row group.
import type { Command } from 'commander';
import { ParquetDataset } from '../../parquet/parquetDataset';
import { InputError } from '../../shared/errors';
import { formatBytes } from '../formatBytes';

interface InspectOptions {
  json?: boolean;
  verify?: boolean;
}

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description(
      'show the schema, rows, row groups, compression and size of a Parquet file or dataset folder',
    )
    .argument(
      '<path>',
      'a Parquet file, or a folder of Parquet parts (hive-style name=value folders become columns)',
    )
    .option('--json', 'print one JSON object instead of tables')
    .option('--verify', 'decode every row group too: finds corrupt pages the footer cannot show')
    .action(async (datasetPath: string, options: InspectOptions) => {
      const dataset = await ParquetDataset.open(datasetPath);
      if (options.verify) await verifyPages(dataset);
      const verified = options.verify
        ? `verified: all ${count(dataset.rowGroups)} row groups decode (${count(dataset.rows)} rows)\n`
        : '';
      process.stdout.write(
        options.json
          ? JSON.stringify(
              { ...describe(dataset), ...(options.verify ? { verified: true } : {}) },
              null,
              2,
            ) + '\n'
          : humanReport(dataset) + verified,
      );
    });
}

/** Decodes every row group; a corrupt page fails with one line naming its file. */
async function verifyPages(dataset: ParquetDataset): Promise<void> {
  const decoded = new Map<string, number>();
  for await (const slice of dataset.readRowGroups()) {
    const file = slice.file.path;
    decoded.set(file, (decoded.get(file) ?? 0) + slice.table.numRows);
  }
  for (const file of dataset.files) {
    const rows = decoded.get(file.path) ?? 0;
    if (rows !== file.rows) {
      throw new InputError(
        `${file.path}: its pages decode to ${rows} rows but its footer says ${file.rows}; the file is corrupt`,
      );
    }
  }
}

function compressionOf(dataset: ParquetDataset): string {
  const names = new Set(dataset.files.flatMap((file) => file.compression.split(', ')));
  return [...names].sort().join(', ');
}

function describe(dataset: ParquetDataset) {
  return {
    path: dataset.path,
    rows: dataset.rows,
    rowGroups: dataset.rowGroups,
    sizeBytes: dataset.sizeBytes,
    compression: compressionOf(dataset),
    fields: dataset.fields(),
    files: dataset.files.map((file) => ({
      path: file.relativePath,
      rows: file.rows,
      rowGroups: file.rowGroups,
      sizeBytes: file.sizeBytes,
      compression: file.compression,
      partitionValues: file.partitionValues,
    })),
  };
}

function humanReport(dataset: ParquetDataset): string {
  const lines = [
    dataset.path,
    ...table([
      ['files', count(dataset.files.length)],
      ['rows', count(dataset.rows)],
      ['row groups', count(dataset.rowGroups)],
      ['compression', compressionOf(dataset)],
      ['size on disk', size(dataset.sizeBytes)],
    ]).map((line) => '  ' + line),
    '',
    ...table([
      ['column', 'type', 'nullable'],
      ...dataset.fields().map((field) => [field.name, field.type, field.nullable ? 'yes' : 'no']),
    ]),
  ];
  if (dataset.files.length > 1) {
    lines.push(
      '',
      ...table([
        ['file', 'rows', 'row groups', 'size', 'compression'],
        ...dataset.files.map((file) => [
          file.relativePath,
          count(file.rows),
          count(file.rowGroups),
          size(file.sizeBytes),
          file.compression,
        ]),
      ]),
    );
  }
  return lines.join('\n') + '\n';
}

/** left-aligned columns separated by two spaces */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd(),
  );
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function size(bytes: number): string {
  return bytes < 1024 ? formatBytes(bytes) : `${formatBytes(bytes)} (${count(bytes)} bytes)`;
}
