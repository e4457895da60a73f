// Heap limits for the engine's worker threads (Parquet decoder, Kafka delivery). A small young
// generation makes a thread collect its short-lived buffers often: the producer's peak memory
// fell by about 100 MiB (1M rows: 466 → 350 MiB) at no measurable cost in rows/s.
import type { ResourceLimits } from 'node:worker_threads';

export const THREAD_HEAP_LIMITS: ResourceLimits = {
  maxYoungGenerationSizeMb: 8,
  maxOldGenerationSizeMb: 512,
};
