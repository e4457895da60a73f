// A zod issue about a transform spec as one line in plain words: "to: use one of …",
// "fields: give a list, not text", "unknown option "x" — remove it". A union's issue is told
// from the branch that got furthest into the value.
import type { z } from 'zod';

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

/** How far into the value an issue got: its path, plus the furthest branch of a union. */
function depth(issue: z.core.$ZodIssue): number {
  if (issue.code !== 'invalid_union') return issue.path.length;
  return issue.path.length + Math.max(0, ...issue.errors.flat().map(depth));
}

/** A union's issue: the branch that got furthest, or else what the value may be. */
function describeUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  path: PropertyKey[],
  at: string,
): string {
  const firsts = issue.errors.flatMap((branch) => (branch[0] ? [branch[0]] : []));
  const furthest = firsts.reduce<z.core.$ZodIssue | undefined>(
    (best, candidate) => (!best || depth(candidate) > depth(best) ? candidate : best),
    undefined,
  );
  if (furthest && depth(furthest) > 0) return describeIssue(furthest, path);
  if (issue.message !== 'Invalid input') return `${at}${issue.message}`;
  const named = firsts.find(
    (first) => first.code === 'invalid_union' && first.message !== 'Invalid input',
  );
  if (named) return `${at}${named.message}`;
  const options = firsts.flatMap((first) => {
    if (first.code === 'invalid_type') return [TYPE_WORDS[first.expected] ?? first.expected];
    if (first.code === 'invalid_value') return first.values.map((value) => JSON.stringify(value));
    return [];
  });
  return `${at}${options.length > 0 ? `give ${options.join(' or ')}` : 'not a valid value here'}`;
}

/** One issue as "path: what is wrong"; a union's issue is the branch that got furthest. */
export function describeIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[] = []): string {
  const path = [...prefix, ...issue.path];
  const where = path.filter((part) => typeof part !== 'symbol').join('.');
  const at = where ? `${where}: ` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${at}unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')} — remove it`;
    case 'invalid_value':
      return `${at}use one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_type': {
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      const got = /received (\w+)/.exec(issue.message)?.[1] ?? 'something else';
      if (got === 'undefined') return `${at}required — give ${expected}`;
      return `${at}give ${expected}, not ${TYPE_WORDS[got] ?? got}`;
    }
    case 'invalid_union':
      return describeUnion(issue, path, at);
    default:
      return `${where || 'spec'}: ${issue.message}`;
  }
}
