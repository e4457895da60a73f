// The decoder thread: owns the parquet-wasm module and decodes one row group per request into an
// Arrow IPC stream for the main thread. It runs in a worker thread because a WASM abort
// ("unreachable") surfaces as an uncaught exception from a microtask, which would otherwise take
// down the whole process; here it only ends this thread, and wasmReader.ts starts a new one.
import { openAsBlob } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import * as parquetWasm from 'parquet-wasm';
import { ARROW_SCHEMA_KEY, int96MicrosecondHint } from './int96Hint';
import { FooterProblem, footerTailWithKeyValue, readFooter } from './parquetFooter';
import type { OpenedFile, RowGroupBytes, WasmRequest, WasmResponse } from './wasmReaderProtocol';

const OPEN_FILES_KEPT = 4;

// Decoding a row group leaves megabytes of dead buffers in this thread's C heap (the column
// chunks read from the file, each batch's IPC copy) until V8 collects their small wrappers,
// which this thread's tiny JavaScript heap rarely makes it do. A full collection after each
// row group takes about a millisecond here and keeps that memory from piling up (the
// producer's peak: ~10-15 MiB less).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
/** rows per decoded batch: the codec's window size */
const STREAM_BATCH_ROWS = 16384;

/** The decoder's arrays use 32-bit offsets: a column chunk must decode into less than 2 GiB. */
const MAX_CHUNK_BYTES = 2 ** 31 - 1;

interface OpenFile {
  file: parquetWasm.ParquetFile;
  rowGroupRows: number[];
  /** per row group: why the decoder cannot read it (a column chunk too large), or null */
  tooLarge: (string | null)[];
}

/** recently used files, least recent first */
const openFiles = new Map<string, OpenFile>();

async function openFile(path: string): Promise<OpenFile> {
  const cached = openFiles.get(path);
  if (cached) {
    openFiles.delete(path);
    openFiles.set(path, cached);
    return cached;
  }
  const footer = await readFooter(path);
  const blob = await openAsBlob(path);
  let file = await parquetWasm.ParquetFile.fromFile(blob);
  if (footer.int96Columns.length > 0) {
    const hint = int96MicrosecondHint(schemaOf(file), footer.int96Columns);
    const tail = footerTailWithKeyValue(footer, ARROW_SCHEMA_KEY, hint);
    file.free();
    file = await parquetWasm.ParquetFile.fromFile(
      new Blob([blob.slice(0, footer.metadataOffset), tail]),
    );
  }
  const metadata = file.metadata();
  const rowGroupRows: number[] = [];
  const tooLarge: (string | null)[] = [];
  for (let i = 0; i < metadata.numRowGroups(); i++) {
    const rowGroup = metadata.rowGroup(i);
    rowGroupRows.push(rowGroup.numRows());
    tooLarge.push(oversizedChunk(i, rowGroup));
    rowGroup.free();
  }
  metadata.free();
  const opened = { file, rowGroupRows, tooLarge };
  openFiles.set(path, opened);
  for (const [oldPath, old] of openFiles) {
    if (openFiles.size <= OPEN_FILES_KEPT) break;
    old.file.free();
    openFiles.delete(oldPath);
  }
  return opened;
}

function oversizedChunk(index: number, rowGroup: parquetWasm.RowGroupMetaData): string | null {
  let problem: string | null = null;
  for (const column of rowGroup.columns()) {
    const bytes = Math.max(column.uncompressedSize(), column.compressedSize());
    if (problem === null && bytes > MAX_CHUNK_BYTES) {
      problem =
        `row group ${index}'s column ${column.columnPath().join('.')} has a column chunk of ` +
        `${bytes} bytes, which is larger than the reader's 2 GiB limit — ` +
        'rewrite the file with smaller row groups';
    }
    column.free();
  }
  return problem;
}

function forget(path: string): void {
  openFiles.get(path)?.file.free();
  openFiles.delete(path);
}

function schemaOf(file: parquetWasm.ParquetFile): arrow.Schema {
  return arrow.tableFromIPC(file.schema().intoIPCStream()).schema;
}

function compressionOf(file: parquetWasm.ParquetFile): string {
  const names = new Set<string>();
  const metadata = file.metadata();
  for (const rowGroup of metadata.rowGroups()) {
    for (const column of rowGroup.columns()) {
      names.add(parquetWasm.Compression[column.compression()] ?? `codec ${column.compression()}`);
      column.free();
    }
    rowGroup.free();
  }
  metadata.free();
  return names.size === 0 ? 'UNCOMPRESSED' : [...names].sort().join(', ');
}

async function handle(
  request: WasmRequest,
): Promise<{ result: OpenedFile | RowGroupBytes; transfer: ArrayBuffer[] }> {
  // opening always reads the file afresh: it may have been rewritten since
  if (request.kind === 'open') forget(request.path);
  const { file, rowGroupRows, tooLarge } = await openFile(request.path);
  if (request.kind === 'open') {
    const schemaIpc = file.schema().intoIPCStream();
    return {
      result: { rowGroupRows, compression: compressionOf(file), schemaIpc },
      transfer: [schemaIpc.buffer as ArrayBuffer],
    };
  }
  const problem = tooLarge[request.rowGroup];
  if (problem) throw new FooterProblem(problem);
  // batch by batch, so the WASM heap holds one batch rather than the whole decoded row group
  const batches = (await file.stream({
    rowGroups: [request.rowGroup],
    batchSize: STREAM_BATCH_ROWS,
  })) as ReadableStream<parquetWasm.RecordBatch>;
  const ipc: Uint8Array[] = [];
  for await (const batch of batches) ipc.push(batch.intoIPCStream());
  return { result: { ipc }, transfer: ipc.map((bytes) => bytes.buffer as ArrayBuffer) };
}

function describeProblem(error: unknown): string {
  if (error instanceof FooterProblem) return error.message;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be opened (permission denied)';
  if (code === 'EISDIR') return 'is a folder, not a file';
  const message = error instanceof Error ? error.message : String(error);
  const detail = message
    .replace(/^(Parquet error|External error|Arrow error): /i, '')
    .replace(/\s+/g, ' ')
    .trim();
  return `cannot be decoded (${detail}): the file is corrupt or uses a Parquet feature this reader lacks`;
}

const port = parentPort;
if (!port) throw new Error('wasmReaderWorker.js must run in a worker thread');
// one request at a time, so an abort is always attributed to the file that caused it
let queue = Promise.resolve();
port.on('message', (request: WasmRequest) => {
  queue = queue.then(async () => {
    let response: WasmResponse;
    let transfer: ArrayBuffer[] = [];
    try {
      const done = await handle(request);
      response = { id: request.id, ok: true, result: done.result };
      transfer = done.transfer;
    } catch (error) {
      response = { id: request.id, ok: false, problem: describeProblem(error) };
    }
    port.postMessage(response, transfer);
    collectGarbage();
  });
});
