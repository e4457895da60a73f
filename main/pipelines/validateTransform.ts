// Checks a parsed spec before anything runs: expressions parse, at most one window step, and —
// when the input's field names are known — every field a step reads exists at that step. It
// tracks the fields after each step (select narrows and renames, map and derive add, a window
// outputs its own fields; after a module nothing is known) and suggests the nearest name.
import { InputError } from '../shared/errors';
import { ExpressionSyntaxError } from './expression/expressionErrors';
import { parseExpression, referencedFields } from './expression/parser';
import { fieldRoot } from './fieldPath';
import type { Condition, TransformSpec, TransformStep } from './transformSpec';
import { stepLabel } from './transformSpec';

/**
 * Throws an InputError naming the step, its type and the field for the first problem found.
 * Returns the output rows' field names, or null when they cannot be known.
 */
export function validateTransform(
  spec: TransformSpec,
  inputFields: readonly string[] | null = null,
): string[] | null {
  let fields: string[] | null = inputFields ? [...inputFields] : null;
  let windowAt = -1;
  spec.steps.forEach((step, index) => {
    const fail = (message: string): never => {
      throw new InputError(stepLabel(index, step.type) + message);
    };
    if (step.type === 'window') {
      if (windowAt >= 0)
        fail(
          `only one window step is allowed (step ${windowAt + 1} is one) — aggregate in that step`,
        );
      windowAt = index;
    }
    for (const field of readFields(step, fail)) {
      if (fields !== null) checkField(field, fields, fail);
    }
    fields = fieldsAfter(step, fields);
  });
  return fields;
}

/**
 * The top-level input fields the transform can read, when a select or window step ends what it
 * passes on of the input row: the fields read up to there (a path "a.b" also as "a"). Null when
 * the whole row may matter (no such step, or a module step before it).
 */
export function inputFieldsRead(spec: TransformSpec): string[] | null {
  const read = new Set<string>();
  const fail = (message: string): never => {
    throw new InputError(message);
  };
  for (const step of spec.steps) {
    if (step.type === 'module') return null;
    for (const field of readFields(step, fail)) read.add(field).add(field.split('.')[0]!);
    if (step.type === 'select' || step.type === 'window') return [...read];
  }
  return null;
}

function parsedReferences(
  expr: string,
  option: string,
  fail: (message: string) => never,
): string[] {
  try {
    return referencedFields(parseExpression(expr));
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) fail(`${option}: ${error.message}`);
    throw error;
  }
}

function conditionFields(condition: Condition): string[] {
  if ('and' in condition) return condition.and.flatMap(conditionFields);
  if ('or' in condition) return condition.or.flatMap(conditionFields);
  if ('not' in condition) return conditionFields(condition.not);
  return [condition.field];
}

/** The fields a step reads (expressions are parsed here, so syntax errors surface here too). */
function readFields(step: TransformStep, fail: (message: string) => never): string[] {
  switch (step.type) {
    case 'select':
      return step.fields.map((entry) => (typeof entry === 'string' ? entry : entry.field));
    case 'map':
    case 'cast':
      return [step.field];
    case 'filter':
      return typeof step.where === 'string'
        ? parsedReferences(step.where, 'where', fail)
        : conditionFields(step.where);
    case 'derive':
      return parsedReferences(step.expr, 'expr', fail);
    case 'window':
      return [
        ...(step.time === 'processing' ? [] : [step.time.field]),
        ...(step.key ?? []),
        ...step.aggregates.flatMap((aggregate) => (aggregate.field ? [aggregate.field] : [])),
      ];
    case 'module':
      return [];
  }
}

function fieldsAfter(step: TransformStep, fields: string[] | null): string[] | null {
  const adding = (name: string) =>
    fields === null || fields.includes(name) ? fields : [...fields, name];
  switch (step.type) {
    case 'select':
      return step.fields.map((entry) =>
        typeof entry === 'string' ? entry : (entry.as ?? entry.field),
      );
    case 'map':
      return adding(step.as ?? step.field);
    case 'derive':
      return adding(step.field);
    case 'window':
      return [
        'window_start',
        'window_end',
        ...(step.key ?? []),
        ...step.aggregates.map((aggregate) => aggregate.as),
        'final',
      ];
    case 'module':
      return null;
    default:
      return fields;
  }
}

function checkField(field: string, fields: string[], fail: (message: string) => never): void {
  const known = new Set(fields);
  if (known.has(field) || known.has(fieldRoot(field, known))) return;
  const suggestion = nearest(field, fields);
  if (suggestion) fail(`unknown field "${field}" — did you mean "${suggestion}"?`);
  const listed = fields
    .slice(0, 12)
    .map((name) => `"${name}"`)
    .join(', ');
  fail(
    `unknown field "${field}" — the fields here are ${listed}${fields.length > 12 ? ', …' : ''}`,
  );
}

/** The known name closest to `name` (case and a few typos apart, or the one name holding it), or null. */
export function nearest(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (bestDistance <= Math.max(1, Math.floor(name.length / 3))) return best;
  const lower = name.toLowerCase();
  const containing = candidates.filter((candidate) => candidate.toLowerCase().includes(lower));
  return containing.length === 1 ? containing[0]! : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
