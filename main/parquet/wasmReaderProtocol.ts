// Messages between the main thread (wasmReader.ts) and the decoder thread (wasmReaderWorker.ts).

export type WasmRequest =
  | { id: number; kind: 'open'; path: string }
  | { id: number; kind: 'read'; path: string; rowGroup: number };

export interface OpenedFile {
  rowGroupRows: number[];
  /** distinct column chunk codecs, e.g. "SNAPPY" or "SNAPPY, UNCOMPRESSED" */
  compression: string;
  /** the Arrow schema as an IPC stream with no batches */
  schemaIpc: Uint8Array;
}

export interface RowGroupBytes {
  /** one row group as Arrow IPC streams, one per record batch */
  ipc: Uint8Array[];
}

export type WasmResponse =
  | { id: number; ok: true; result: OpenedFile | RowGroupBytes }
  | { id: number; ok: false; problem: string };
