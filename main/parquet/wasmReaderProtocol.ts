// Messages between the main thread (wasmReader.ts) and the decoder thread (wasmReaderWorker.ts).

export type WasmRequest =
  | { id: number; kind: 'open'; path: string }
  | { id: number; kind: 'read'; path: string; rowGroup: number };

/** A row group's buffer handed back once the main thread is done with its table; no reply. */
export interface RecycledBuffer {
  kind: 'recycle';
  buffer: ArrayBuffer;
}

export interface OpenedFile {
  rowGroupRows: number[];
  /** distinct column chunk codecs, e.g. "SNAPPY" or "SNAPPY, UNCOMPRESSED" */
  compression: string;
  /** the Arrow schema as an IPC stream with no batches */
  schemaIpc: Uint8Array;
}

export interface RowGroupBytes {
  /** one row group as Arrow IPC streams, one per record batch, all views of one transferred buffer */
  ipc: Uint8Array[];
}

export type WasmResponse =
  | { id: number; ok: true; result: OpenedFile | RowGroupBytes }
  | { id: number; ok: false; problem: string };
