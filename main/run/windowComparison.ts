// Window results compared window by window: the last result the workers committed for each
// (window, key) against the one computed locally. Event-time windows are deterministic
// (docs/windows.md), so the comparison is exact, `final` flag included: with emit "close" every
// window the local run closed must be committed once and none that it left open; with emit
// "update" every window must be there as it ends, closed or open. Processing-time windows depend
// on the workers' clocks, so they are compared per key: the counts over all of a key's windows.

import type { Row } from '../pipelines/pipeline';

export interface WindowComparison {
  /** what was compared: windows (event time) or keys (processing time, counts only) */
  basis: 'windows' | 'keys';
  /** windows (keys) computed locally */
  expected: number;
  /** local windows (keys) with no committed result */
  missing: number;
  /** windows (keys) whose committed result differs from the local one */
  different: number;
  /** committed windows (keys) the local run does not have */
  unexpected: number;
  /** emit "close": local windows left open at the end, which no worker emits either */
  open: number;
  /** a few windows of each kind, as "kind: [window_start, window_end, key…]" */
  examples: string[];
}

function identity(row: Row, keyFields: readonly string[]): string {
  return JSON.stringify([
    row.window_start,
    row.window_end,
    ...keyFields.map((f) => row[f] ?? null),
  ]);
}

function emptyComparison(basis: WindowComparison['basis'], expected: number): WindowComparison {
  return { basis, expected, missing: 0, different: 0, unexpected: 0, open: 0, examples: [] };
}

/** Matches `expected` with `actual` by identity; `same` says whether a matched pair agrees. */
function match(
  result: WindowComparison,
  expected: Map<string, Row>,
  actual: Map<string, Row>,
  same: (want: Row, got: Row) => boolean,
  exampleCount: number,
): WindowComparison {
  const note = (kind: string, id: string) => {
    if (result.examples.length < exampleCount) result.examples.push(`${kind}: ${id}`);
  };
  for (const [id, want] of expected) {
    const got = actual.get(id);
    actual.delete(id);
    if (!got) {
      result.missing += 1;
      note('missing', id);
    } else if (!same(want, got)) {
      result.different += 1;
      note('different', id);
    }
  }
  for (const id of actual.keys()) {
    result.unexpected += 1;
    note('unexpected', id);
  }
  return result;
}

/** Event-time windows: the latest result of each (window, key) on both sides. */
export function compareWindows(
  expected: readonly Row[],
  actual: readonly Row[],
  keyFields: readonly string[],
  emitsUpdates: boolean,
  exampleCount = 5,
): WindowComparison {
  const result = emptyComparison('windows', expected.length);
  const wanted = new Map<string, Row>();
  for (const row of expected) {
    // emit "close" emits a window once it closes: an open one must not be in the output
    if (!emitsUpdates && row.final !== true) result.open += 1;
    else wanted.set(identity(row, keyFields), row);
  }
  const committed = new Map(actual.map((row) => [identity(row, keyFields), row]));
  const same = (want: Row, got: Row) => JSON.stringify(want) === JSON.stringify(got);
  return match(result, wanted, committed, same, exampleCount);
}

/** Processing-time windows: per key, each count field added up over all of its windows. */
export function compareWindowCounts(
  expected: readonly Row[],
  actual: readonly Row[],
  keyFields: readonly string[],
  countFields: readonly string[],
  exampleCount = 5,
): WindowComparison {
  const totals = (rows: readonly Row[]) => {
    const byKey = new Map<string, Row>();
    for (const row of rows) {
      const id = JSON.stringify(keyFields.map((f) => row[f] ?? null));
      const sums = byKey.get(id) ?? {};
      for (const field of countFields)
        sums[field] = ((sums[field] as number | undefined) ?? 0) + Number(row[field] ?? 0);
      byKey.set(id, sums);
    }
    return byKey;
  };
  const wanted = totals(expected);
  const same = (want: Row, got: Row) => JSON.stringify(want) === JSON.stringify(got);
  return match(emptyComparison('keys', wanted.size), wanted, totals(actual), same, exampleCount);
}
