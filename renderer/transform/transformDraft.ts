// The transform builder's state: the JSON spec the CLI takes (main/pipelines/transformSpec.ts),
// held loosely while the user edits it — a step may be half filled in; the engine's preview
// validates it and names the step and field that are wrong. A draft loaded from a preset stays
// that preset (its topics and charts come with it) until a step is changed.
import {
  findPreset,
  type TransformReference,
  type TransformSpec,
  type TransformStep,
} from '../../main/api/contract';

/** One step as edited: the spec's JSON object for it, possibly incomplete. */
export type DraftStep = { type: TransformStep['type'] } & Record<string, unknown>;

export interface TransformDraft {
  /** the preset reference the steps came from, while they are unchanged */
  preset: string | null;
  name: string;
  /** ids key the step forms, so an import or a preset replaces them instead of reusing them */
  steps: { id: number; step: DraftStep }[];
}

let nextStepId = 0;

function withIds(steps: readonly DraftStep[]): TransformDraft['steps'] {
  return steps.map((step) => ({ id: ++nextStepId, step }));
}

/** The draft a preset reference ("nyc-parking-boroughs", "counts-per-minute:Plate Type") loads. */
export function presetDraft(reference: string): TransformDraft {
  const found = findPreset(reference);
  if (!found) throw new Error(`unknown preset ${reference}`);
  return {
    preset: reference,
    name: found.spec.name ?? reference,
    steps: withIds(found.spec.steps as DraftStep[]),
  };
}

/** The draft of an imported spec (JSON text); one line when it is not a spec at all. */
export function importedDraft(text: string, source: string): TransformDraft {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  const spec = value as { name?: unknown; steps?: unknown } | null;
  const steps = spec?.steps;
  if (
    !Array.isArray(steps) ||
    !steps.every((step) => typeof step === 'object' && step !== null && 'type' in step)
  ) {
    throw new Error(`${source}: give an object with a "steps" list, each step with a "type"`);
  }
  return {
    preset: null,
    name: typeof spec?.name === 'string' ? spec.name : '',
    steps: withIds(steps as DraftStep[]),
  };
}

/**
 * The draft of a transform the settings file kept (a preset reference or a spec); the default
 * preset when there is none or it no longer loads (a preset renamed since, say).
 */
export function savedDraft(saved: unknown, fallback: string): TransformDraft {
  try {
    if (typeof saved === 'string') return presetDraft(saved);
    if (typeof saved === 'object' && saved !== null) {
      return importedDraft(JSON.stringify(saved), 'the saved transform');
    }
  } catch {
    // falls back below: a stale setting is not worth an error at launch
  }
  return presetDraft(fallback);
}

/** The spec as the CLI and the engine take it (what "Export JSON" writes). */
export function specOfDraft(draft: TransformDraft): TransformSpec {
  const spec = { steps: draft.steps.map(({ step }) => step) };
  // checked by the engine where it enters, like every spec from a file
  return (draft.name.trim() ? { name: draft.name.trim(), ...spec } : spec) as TransformSpec;
}

/** What the stream and the preview name: the preset as such, else the spec. */
export function referenceOfDraft(draft: TransformDraft): TransformReference {
  return draft.preset ?? specOfDraft(draft);
}

/**
 * The draft with its steps replaced; no longer the preset it came from, nor named like it (the
 * workers' table shows the name).
 */
export function editedDraft(draft: TransformDraft, steps: TransformDraft['steps']): TransformDraft {
  const name = draft.preset === null ? draft.name : `${draft.name}-edited`;
  return { ...draft, preset: null, name, steps };
}

export function appendStep(draft: TransformDraft, step: DraftStep): TransformDraft {
  return editedDraft(draft, [...draft.steps, ...withIds([step])]);
}

/** A new step of a type, filled in from the fields that reach it where it can be. */
export function newStep(type: DraftStep['type'], fields: readonly string[]): DraftStep {
  const first = fields[0] ?? '';
  switch (type) {
    case 'select':
      return { type, fields: first ? [first] : [] };
    case 'map':
      return { type, field: first, values: {}, unmapped: 'keep' };
    case 'filter':
      return { type, where: { field: first, op: 'not-null' } };
    case 'derive':
      return { type, field: '', expr: '' };
    case 'cast':
      return { type, field: first, to: 'number' };
    case 'window':
      return {
        type,
        time: 'processing',
        size: '1m',
        aggregates: [{ op: 'count', as: 'count' }],
        emit: 'update',
      };
    case 'module':
      return { type, path: '' };
  }
}

/** The step (0-based) an engine message is about ("step 2 (filter): …"), or null. */
export function stepOfError(message: string): number | null {
  const match = /\bstep (\d+)(?: \(|:)/.exec(message);
  return match ? Number(match[1]) - 1 : null;
}

/** A value typed in a form: JSON when it reads as JSON (5, true, null, "x"), else the text. */
export function valueOfText(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
}

/** The inverse of valueOfText: text stays text unless it would read as something else. */
export function textOfValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') {
    return typeof valueOfText(value) === 'string' ? value : JSON.stringify(value);
  }
  return JSON.stringify(value);
}
