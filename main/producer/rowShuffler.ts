// `--shuffle [--seed S]`: a deterministic order for the rows of one row group. The same seed
// and the same row group give the same order, which is what lets `--resume` continue a
// shuffled stream exactly where it stopped.

/** mulberry32: a small, fast 32-bit PRNG; plenty for ordering rows. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Positions 0..count-1 in a seeded random order (Fisher–Yates). */
export function shuffledOrder(count: number, seed: number, sliceFirstRow: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // the slice's first row enters the seed so that row groups are not all shuffled alike
  const random = mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ sliceFirstRow);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return order;
}

/** A seed for runs where the user gave none; recorded in the checkpoint for `--resume`. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
