// Main-thread side of the decoder thread (wasmReaderWorker.ts): sends open/read requests, turns
// problems into one-line InputErrors naming the file, and replaces the thread when the WASM
// module aborts, so the next file in the same process still reads.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import { applyEngineV8Flags } from '../shared/engineV8Flags';
import { InputError } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { THREAD_HEAP_LIMITS } from '../shared/threadHeapLimits';
import type { OpenedFile, RowGroupBytes, WasmRequest, WasmResponse } from './wasmReaderProtocol';

type RequestBody =
  { kind: 'open'; path: string } | { kind: 'read'; path: string; rowGroup: number };

interface Pending {
  request: WasmRequest;
  resolve: (result: OpenedFile | RowGroupBytes) => void;
  reject: (error: Error) => void;
}

class WasmReader {
  private worker: Worker | null = null;
  private lastWorkerError: Error | null = null;
  /** in the order the thread handles them */
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  async open(file: string): Promise<OpenedFile> {
    return (await this.request({ kind: 'open', path: file })) as OpenedFile;
  }

  async readRowGroup(file: string, rowGroup: number): Promise<arrow.Table> {
    const { ipc } = (await this.request({ kind: 'read', path: file, rowGroup })) as RowGroupBytes;
    const tables = ipc.map((bytes) => arrow.tableFromIPC(bytes));
    return tables.length === 1
      ? tables[0]
      : new arrow.Table(tables.flatMap((table) => table.batches));
  }

  private request(body: RequestBody): Promise<OpenedFile | RowGroupBytes> {
    return new Promise((resolve, reject) => {
      const request = { ...body, id: this.nextId++ } as WasmRequest;
      this.pending.set(request.id, { request, resolve, reject });
      this.thread().postMessage(request);
    });
  }

  private thread(): Worker {
    if (this.worker) {
      this.worker.ref();
      return this.worker;
    }
    applyEngineV8Flags(); // before the thread compiles the decoder
    const worker = new Worker(path.join(__dirname, 'wasmReaderWorker.js'), {
      resourceLimits: THREAD_HEAP_LIMITS,
    });
    worker.on('message', (response: WasmResponse) => this.settle(response));
    worker.on('error', (error) => (this.lastWorkerError = error));
    worker.on('exit', (code) => this.threadExited(worker, code));
    this.worker = worker;
    return worker;
  }

  private settle(response: WasmResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (response.ok) pending.resolve(response.result);
    else pending.reject(new InputError(`${pending.request.path}: ${response.problem}`));
  }

  /**
   * The request being handled caused the exit. Requests queued for the same file would most
   * likely abort too and fail with it; the others go to a new thread.
   */
  private threadExited(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = null;
    const [culprit] = this.pending.values();
    if (!culprit) return;
    const cause = this.lastWorkerError;
    this.lastWorkerError = null;
    const file = culprit.request.path;
    const reason = cause ? `${cause.name}: ${cause.message}` : `exit code ${code}`;
    const where =
      culprit.request.kind === 'read'
        ? `reading row group ${culprit.request.rowGroup}`
        : 'opening the file';
    // a WebAssembly trap means the decoder met input it could not handle; anything else is a bug
    const error =
      cause?.name === 'RuntimeError'
        ? new InputError(
            `${file}: the Parquet decoder aborted ${where} (${reason}); the file is probably corrupt`,
            {
              cause,
            },
          )
        : new Error(`the Parquet decoder thread stopped (${reason}) while ${where}: ${file}`, {
            cause,
          });
    // created here, not at load time, so the level the CLI sets before running applies
    createLogger('parquet.reader').info(
      'parquet decoder thread stopped; the next request starts a new one',
      {
        file,
        reason,
      },
    );
    for (const [id, pending] of this.pending) {
      if (pending.request.path !== file) continue;
      this.pending.delete(id);
      pending.reject(error);
    }
    for (const next of this.pending.values()) this.thread().postMessage(next.request);
  }
}

/** One decoder thread for the whole process; it does not keep the process alive when idle. */
export const wasmReader = new WasmReader();
