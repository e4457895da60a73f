// Exact floating-point sums (Shewchuk's algorithm, as Python's math.fsum): the running sum is a
// short list of non-overlapping partials whose total is exact, so the rounded result does not
// depend on the order the values were added in. Window sums and means stay identical whether a
// stream is split over partitions or read from one file.

/** Adds `value` to the partials (smallest magnitude first), in place. */
export function addExact(partials: number[], value: number): void {
  let x = value;
  let used = 0;
  for (const partial of partials) {
    let y = partial;
    if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[used++] = lo;
    x = hi;
  }
  partials.length = used;
  if (x !== 0) partials.push(x);
}

/** The partials' exact total, correctly rounded to the nearest double. */
export function exactTotal(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // round half to even across the remaining partials, as math.fsum does
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}
