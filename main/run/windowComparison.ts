// Window results compared window by window: the last result the workers committed for each
// (window, key) against the aggregate computed locally over the whole file. With emit "close" a
// window closes when its partition's stream time passes it, which the local run cannot know, so
// windows without a committed result are counted as open, and only committed ones are compared.

import type { Row } from '../pipelines/pipeline';

export interface WindowComparison {
  /** windows computed locally */
  expected: number;
  /** emit "update": local windows with no committed result */
  missing: number;
  /** windows whose committed result differs from the local one */
  different: number;
  /** committed windows the local run does not have */
  unexpected: number;
  /** emit "close": local windows with no committed result (still open in their partition) */
  open: number;
  /** a few windows of each kind, as "window_start key…" */
  examples: string[];
}

function identity(row: Row, keyFields: readonly string[]): string {
  return JSON.stringify([
    row.window_start,
    row.window_end,
    ...keyFields.map((f) => row[f] ?? null),
  ]);
}

/** The result without its `final` flag, which depends on when each side saw the window close. */
function content(row: Row): string {
  const rest: Row = { ...row };
  delete rest.final;
  return JSON.stringify(rest);
}

export function compareWindows(
  expected: readonly Row[],
  actual: readonly Row[],
  keyFields: readonly string[],
  emitsUpdates: boolean,
  exampleCount = 5,
): WindowComparison {
  const result: WindowComparison = {
    expected: expected.length,
    missing: 0,
    different: 0,
    unexpected: 0,
    open: 0,
    examples: [],
  };
  const note = (kind: string, row: Row) => {
    if (result.examples.length < exampleCount)
      result.examples.push(`${kind}: ${identity(row, keyFields)}`);
  };
  const committed = new Map(actual.map((row) => [identity(row, keyFields), row]));
  for (const row of expected) {
    const id = identity(row, keyFields);
    const found = committed.get(id);
    committed.delete(id);
    if (!found) {
      if (emitsUpdates) {
        result.missing += 1;
        note('missing', row);
      } else result.open += 1;
    } else if (content(found) !== content(row)) {
      result.different += 1;
      note('different', row);
    }
  }
  for (const row of committed.values()) {
    result.unexpected += 1;
    note('unexpected', row);
  }
  return result;
}
