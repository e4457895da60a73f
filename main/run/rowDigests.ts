// Per input row (by index): how many output rows it yielded and an order-independent digest of
// their JSON texts, in two typed arrays — 5 bytes a row, so a 10M-row check fits in memory.
// Two sides built the same way (expected and committed) compare row by row.

/** FNV-1a over the UTF-16 code units of a text */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export interface DigestComparison {
  /** expected output rows absent from the other side */
  missing: number;
  /** output rows present more often than expected */
  duplicated: number;
  /** input rows with the right number of outputs but other values */
  different: number;
  /** up to `examples` input row indexes of each kind */
  examples: { missing: number[]; duplicated: number[]; different: number[] };
}

export class RowDigests {
  private readonly counts: Uint8Array;
  private readonly digests: Uint32Array;
  /** output rows whose input row index is outside 0..size-1 */
  outOfRange = 0;

  constructor(readonly size: number) {
    this.counts = new Uint8Array(size);
    this.digests = new Uint32Array(size);
  }

  add(index: number, json: string): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      this.outOfRange += 1;
      return;
    }
    if (this.counts[index]! < 255) this.counts[index]! += 1;
    this.digests[index] = (this.digests[index]! + fnv1a(json)) >>> 0;
  }

  total(): number {
    let sum = 0;
    for (const count of this.counts) sum += count;
    return sum;
  }

  /** How `actual` differs from these expected rows. */
  compare(actual: RowDigests, examples = 5): DigestComparison {
    const result: DigestComparison = {
      missing: 0,
      duplicated: 0,
      different: 0,
      examples: { missing: [], duplicated: [], different: [] },
    };
    const note = (kind: keyof DigestComparison['examples'], index: number) => {
      if (result.examples[kind].length < examples) result.examples[kind].push(index);
    };
    for (let index = 0; index < this.size; index++) {
      const want = this.counts[index]!;
      const got = actual.counts[index] ?? 0;
      if (got < want) {
        result.missing += want - got;
        note('missing', index);
      } else if (got > want) {
        result.duplicated += got - want;
        note('duplicated', index);
      } else if (want > 0 && this.digests[index] !== actual.digests[index]) {
        result.different += 1;
        note('different', index);
      }
    }
    result.duplicated += actual.outOfRange;
    return result;
  }
}
