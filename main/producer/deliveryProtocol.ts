// Messages between the producer (main thread) and its delivery threads. Rows travel packed:
// key and value bytes in one transferred buffer, a fixed-width layout per message, and the
// dataset row numbers, so handing a request to a thread copies nothing.

import type { ClusterSecurity } from '../broker/clusterSecurity';
import type { PartitionAck } from './inflightChunks';

/** Int32 fields per message in DeliveryBatch.layout */
export const LAYOUT_FIELDS = 6;
export const enum Layout {
  Partition = 0,
  KeyStart = 1,
  /** -1: the message has no key */
  KeyLength = 2,
  ValueStart = 3,
  ValueLength = 4,
  FileIndex = 5,
}

export interface DeliveryConfig {
  brokers: string[];
  /** the main thread's TLS and SASL settings: a thread has its own module state */
  security: ClusterSecurity;
  topic: string;
  /** how long to wait for the brokers' acknowledgement of one request */
  requestTimeoutMs: number;
  /** how long one batch may take, retries included, before it counts as failed */
  sendDeadlineMs: number;
}

/** One produce request's messages for the partitions a delivery thread owns. */
export interface DeliveryBatch {
  id: number;
  count: number;
  bytes: Uint8Array;
  layout: Int32Array;
  rows: Float64Array;
  /** source.file header values, indexed by Layout.FileIndex */
  files: string[];
}

/** A sent batch's buffers, handed back to the main thread to pack later batches into. */
export interface BatchBuffers {
  bytes: ArrayBuffer;
  layout: Int32Array;
  rows: Float64Array;
}

export interface SerializedError {
  name: string;
  message: string;
  /** kafkajs' protocol error type (e.g. MESSAGE_TOO_LARGE) of the innermost cause */
  type?: string;
  retriable?: boolean;
}

export type ToDeliveryThread =
  | { kind: 'connect'; config: DeliveryConfig }
  | { kind: 'send'; batch: DeliveryBatch }
  | { kind: 'close' };

export type FromDeliveryThread =
  | { kind: 'connected' }
  | { kind: 'connect-failed'; error: SerializedError }
  | { kind: 'acked'; id: number; offsets: PartitionAck[]; buffers: BatchBuffers }
  | { kind: 'failed'; id: number; error: SerializedError; buffers: BatchBuffers }
  | { kind: 'closed' };
