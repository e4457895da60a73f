// A Parquet file or a dataset folder (every *.parquet below it, in path order, hive-style
// `name=value` folders as extra string columns), read one row group at a time through the
// decoder thread so memory stays bounded whatever the dataset's size.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import type { FieldInfo } from '../api/contract';
import { InputError } from '../shared/errors';
import { partitionField, partitionValuesOf, withPartitionColumns } from './hivePartitions';
import { wasmReader } from './wasmReader';

export interface DatasetFile {
  path: string;
  relativePath: string;
  rows: number;
  rowGroups: number;
  sizeBytes: number;
  compression: string;
  partitionValues: Record<string, string>;
}

export interface RowGroupSlice {
  file: DatasetFile;
  /** dataset-wide index of this slice's first row (0-based, counting across files in path order) */
  firstRow: number;
  /** the rows of one row group, hive partition columns appended as string columns */
  table: arrow.Table;
}

interface RowGroupRef {
  file: DatasetFile;
  index: number;
  firstRow: number;
  rows: number;
}

export class ParquetDataset {
  readonly rows: number;
  readonly rowGroups: number;
  readonly sizeBytes: number;

  private constructor(
    readonly path: string,
    readonly files: DatasetFile[],
    readonly schema: arrow.Schema,
    private readonly groups: RowGroupRef[],
  ) {
    this.rows = files.reduce((sum, file) => sum + file.rows, 0);
    this.rowGroups = files.reduce((sum, file) => sum + file.rowGroups, 0);
    this.sizeBytes = files.reduce((sum, file) => sum + file.sizeBytes, 0);
  }

  /** Opens a file or a folder; problems become one-line InputErrors naming the file. */
  static async open(datasetPath: string): Promise<ParquetDataset> {
    // paths stay as the user wrote them, so messages name files the way the user knows them
    const root = path.normalize(datasetPath);
    const rootStat = await stat(root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new InputError(`${datasetPath}: no such file or folder`);
      throw new InputError(`${datasetPath}: cannot be opened (${error.code ?? error.message})`);
    });
    const isFolder = rootStat.isDirectory();
    const paths = isFolder ? await parquetFilesBelow(root) : [root];
    if (paths.length === 0)
      throw new InputError(`${datasetPath}: the folder holds no .parquet files`);

    const files: DatasetFile[] = [];
    const groups: RowGroupRef[] = [];
    let fileSchema: arrow.Schema | null = null;
    let partitionNames: string[] | null = null;
    let rowsSoFar = 0;
    for (const filePath of paths) {
      const relativePath = isFolder ? path.relative(root, filePath) : path.basename(filePath);
      const opened = await wasmReader.open(filePath);
      const schema = arrow.tableFromIPC(opened.schemaIpc).schema;
      const partitionValues = isFolder ? partitionValuesOf(relativePath) : {};
      if (fileSchema === null || partitionNames === null) {
        fileSchema = schema;
        partitionNames = Object.keys(partitionValues);
      } else {
        checkSameColumns(filePath, schema, files[0].path, fileSchema);
        checkSamePartitions(filePath, Object.keys(partitionValues), partitionNames);
      }
      const file: DatasetFile = {
        path: filePath,
        relativePath,
        rows: opened.rowGroupRows.reduce((sum, rows) => sum + rows, 0),
        rowGroups: opened.rowGroupRows.length,
        sizeBytes: (await stat(filePath)).size,
        compression: opened.compression,
        partitionValues,
      };
      opened.rowGroupRows.forEach((rows, index) => {
        groups.push({ file, index, firstRow: rowsSoFar, rows });
        rowsSoFar += rows;
      });
      files.push(file);
    }
    const schema = datasetSchema(datasetPath, fileSchema as arrow.Schema, partitionNames ?? []);
    return new ParquetDataset(datasetPath, files, schema, groups);
  }

  fields(): FieldInfo[] {
    return this.schema.fields.map((field) => ({
      name: field.name,
      type: typeName(field.type as arrow.DataType),
      nullable: field.nullable,
    }));
  }

  /** one row group at a time, in path order; skips whole row groups before fromRow and slices the first one */
  async *readRowGroups(options: { fromRow?: number } = {}): AsyncIterable<RowGroupSlice> {
    const fromRow = Math.max(0, options.fromRow ?? 0);
    const wanted = this.groups.filter(
      (group) => group.rows > 0 && group.firstRow + group.rows > fromRow,
    );
    // the decoder thread works on the next row group while the caller handles this one
    let next = wanted.length > 0 ? this.load(wanted[0]) : null;
    for (let i = 0; i < wanted.length; i++) {
      const current = next as Promise<arrow.Table>;
      next = i + 1 < wanted.length ? this.load(wanted[i + 1]) : null;
      const group = wanted[i];
      const table = await current;
      const skip = Math.max(0, fromRow - group.firstRow);
      yield {
        file: group.file,
        firstRow: group.firstRow + skip,
        table: skip > 0 ? table.slice(skip) : table,
      };
    }
  }

  private load(group: RowGroupRef): Promise<arrow.Table> {
    const loading = wasmReader
      .readRowGroup(group.file.path, group.index)
      .then((table) => withPartitionColumns(table, this.schema, group.file.partitionValues));
    loading.catch(() => undefined); // awaited in order; an abandoned prefetch must not be unhandled
    return loading;
  }
}

async function parquetFilesBelow(folder: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  // Spark and Hive keep bookkeeping in _SUCCESS, _metadata, .crc files and hidden folders
  const visible = entries.filter(
    (entry) => !entry.name.startsWith('.') && !entry.name.startsWith('_'),
  );
  for (const entry of visible.sort((a, b) => compareNames(a.name, b.name))) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await parquetFilesBelow(full)));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.parquet')) found.push(full);
  }
  return found;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkSameColumns(
  filePath: string,
  schema: arrow.Schema,
  firstPath: string,
  first: arrow.Schema,
): void {
  const describe = (s: arrow.Schema) =>
    s.fields.map((f) => `${f.name}: ${typeName(f.type as arrow.DataType)}`);
  const mine = describe(schema);
  const theirs = describe(first);
  const differs = mine.findIndex((column, i) => column !== theirs[i]);
  if (differs === -1 && mine.length === theirs.length) return;
  const detail =
    differs === -1 || differs >= theirs.length
      ? `it has ${mine.length} columns, ${path.basename(firstPath)} has ${theirs.length}`
      : `column ${differs + 1} is "${mine[differs]}" here but "${theirs[differs]}" in ${path.basename(firstPath)}`;
  throw new InputError(`${filePath}: its columns differ from the dataset's first file (${detail})`);
}

function checkSamePartitions(filePath: string, names: string[], expected: string[]): void {
  if (names.join('/') === expected.join('/')) return;
  const show = (list: string[]) => (list.length > 0 ? list.join('/') : 'none');
  throw new InputError(
    `${filePath}: its partition folders (${show(names)}) differ from the first file's (${show(expected)})`,
  );
}

function datasetSchema(
  datasetPath: string,
  fileSchema: arrow.Schema,
  partitionNames: string[],
): arrow.Schema {
  const clash = partitionNames.find((name) =>
    fileSchema.fields.some((field) => field.name === name),
  );
  if (clash !== undefined) {
    throw new InputError(
      `${datasetPath}: partition folder "${clash}=…" has the same name as a column in the files`,
    );
  }
  return new arrow.Schema(
    [...fileSchema.fields, ...partitionNames.map(partitionField)],
    fileSchema.metadata,
  );
}

/** Arrow's type names, with decimals written as Decimal(precision, scale). */
function typeName(type: arrow.DataType): string {
  return String(type).replace(
    /Decimal\[(\d+)e([+-]?\d+)\]/g,
    (_, precision: string, scale: string) => {
      return `Decimal(${precision}, ${Number(scale)})`;
    },
  );
}
