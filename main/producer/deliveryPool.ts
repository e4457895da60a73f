// The producer's delivery threads (deliveryThread.ts): each owns the partitions p with
// p % threads === its index, so every partition is written by one idempotent producer in row
// order while the threads encode Kafka records in parallel.
import { THREAD_HEAP_LIMITS } from '../shared/threadHeapLimits';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type {
  BatchBuffers,
  DeliveryBatch,
  DeliveryConfig,
  FromDeliveryThread,
  SerializedError,
  ToDeliveryThread,
} from './deliveryProtocol';
import type { PartitionAck } from './inflightChunks';

interface Pending {
  resolve: (offsets: PartitionAck[]) => void;
  reject: (error: Error) => void;
}

const CLOSE_TIMEOUT_MS = 15_000;

/** A Kafka failure reported by a delivery thread, shaped like the kafkajs error it was. */
function deliveryError(error: SerializedError): Error {
  return Object.assign(new Error(error.message), {
    name: error.name,
    type: error.type,
    retriable: error.retriable,
  });
}

class DeliveryThread {
  private readonly worker = new Worker(path.join(__dirname, 'deliveryThread.js'), {
    resourceLimits: THREAD_HEAP_LIMITS,
  });
  private readonly pending = new Map<number, Pending>();
  private connected: Pending | null = null;
  private closed: (() => void) | null = null;
  private exited = false;

  constructor(private readonly recycle: (buffers: BatchBuffers) => void) {
    this.worker.on('message', (message: FromDeliveryThread) => this.receive(message));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.closed?.();
      this.failAll(new Error(`a delivery thread exited (code ${code})`));
    });
  }

  connect(config: DeliveryConfig): Promise<void> {
    return new Promise((resolve, reject) => {
      this.connected = { resolve: () => resolve(), reject };
      this.post({ kind: 'connect', config });
    });
  }

  send(batch: DeliveryBatch): Promise<PartitionAck[]> {
    return new Promise((resolve, reject) => {
      if (this.exited) {
        reject(new Error('the delivery thread has exited'));
        return;
      }
      this.pending.set(batch.id, { resolve, reject });
      this.worker.postMessage({ kind: 'send', batch } satisfies ToDeliveryThread, [
        batch.bytes.buffer as ArrayBuffer,
        batch.layout.buffer as ArrayBuffer,
        batch.rows.buffer as ArrayBuffer,
      ]);
    });
  }

  /**
   * Disconnects the producer and ends the thread: after the sends queued before it, or at
   * once when `abandon` is set (their batches are then answered as failed).
   */
  async close(abandon = false): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => (this.closed = resolve));
    this.post({ kind: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), abandon ? 0 : CLOSE_TIMEOUT_MS);
    await done;
    clearTimeout(timer);
  }

  private post(message: ToDeliveryThread): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromDeliveryThread): void {
    switch (message.kind) {
      case 'connected':
        this.connected?.resolve([]);
        this.connected = null;
        return;
      case 'connect-failed':
        this.connected?.reject(deliveryError(message.error));
        this.connected = null;
        return;
      case 'acked':
        this.recycle(message.buffers);
        this.pending.get(message.id)?.resolve(message.offsets);
        this.pending.delete(message.id);
        return;
      case 'failed':
        this.recycle(message.buffers);
        this.pending.get(message.id)?.reject(deliveryError(message.error));
        this.pending.delete(message.id);
        return;
      case 'closed':
        return;
    }
  }

  private failAll(error: Error): void {
    this.connected?.reject(error);
    this.connected = null;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

export class DeliveryPool {
  private constructor(private readonly threads: DeliveryThread[]) {}

  /**
   * Starts `size` threads and connects their producers; closes them all if one fails. Each
   * sent batch's buffers are handed to `recycle` once its thread is done with them.
   */
  static async open(
    config: DeliveryConfig,
    size: number,
    recycle: (buffers: BatchBuffers) => void,
  ): Promise<DeliveryPool> {
    const pool = new DeliveryPool(Array.from({ length: size }, () => new DeliveryThread(recycle)));
    try {
      await Promise.all(pool.threads.map((thread) => thread.connect(config)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.threads.length;
  }

  threadOf(partition: number): number {
    return partition % this.threads.length;
  }

  send(thread: number, batch: DeliveryBatch): Promise<PartitionAck[]> {
    return this.threads[thread].send(batch);
  }

  /** Ends every thread: within CLOSE_TIMEOUT_MS, or at once when `abandon` is set. */
  async close(abandon = false): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close(abandon)));
  }
}
