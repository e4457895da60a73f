// `parquet-streamer inspect PATH [--json]`: what a Parquet file or dataset folder holds — its
// columns (name, type, nullability), rows, row groups, compression and size on disk.
import type { Command } from 'commander';
import { ParquetDataset } from '../../parquet/parquetDataset';

interface InspectOptions {
  json?: boolean;
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
    .action(async (datasetPath: string, options: InspectOptions) => {
      const dataset = await ParquetDataset.open(datasetPath);
      process.stdout.write(
        options.json ? JSON.stringify(describe(dataset), null, 2) + '\n' : humanReport(dataset),
      );
    });
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
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]} (${count(bytes)} bytes)`;
}
