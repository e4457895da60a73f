// What `--transform` (and the app's stream config) may name, resolved into a compiled transform:
// a preset ("nyc-parking-boroughs", "counts-per-minute:Plate Type"), a .json spec file, a
// .js/.cjs/.mjs module, JSON text of a spec ("{"steps":[…]}"), or a spec object from the API.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describeError, InputError } from '../shared/errors';
import { compileTransform, type CompileOptions } from './compileTransform';
import type { CompiledTransform } from './pipeline';
import { findPreset, presetList, type TransformPreset } from './presets';
import type { RowFunction } from './rowSteps';
import { isModulePath, loadRowFunction } from './transformModule';
import {
  parseTransformSpec,
  stepLabel,
  type TransformReference,
  type TransformSpec,
} from './transformSpec';
import { validateTransform } from './validateTransform';
import { createWindowOperator } from './windowOperator';

export interface ResolvedTransform {
  /** what to call it: the preset reference, the file path, or the spec's name */
  name: string;
  spec: TransformSpec;
  /** module steps' functions, by the path written in the step */
  modules: Map<string, RowFunction>;
  /** the preset it names, if any (its default topics) */
  preset: TransformPreset | null;
}

/** Compile options; the window operator defaults to the real one (tests hand in others). */
export interface LoadTransformOptions extends Omit<CompileOptions, 'name' | 'modules'> {
  /** where relative module paths of a spec object or JSON text start; default: the working dir */
  baseDir?: string;
}

export interface LoadedTransform extends ResolvedTransform {
  transform: CompiledTransform;
  /** the output rows' fields, when the input's fields were given and no module hides them */
  outputFields: string[] | null;
}

/** Resolves and compiles a transform reference; every mistake is one InputError line. */
export async function loadTransform(
  value: TransformReference,
  options: LoadTransformOptions = {},
): Promise<LoadedTransform> {
  const resolved = await resolveTransform(value, options.baseDir);
  const outputFields = validateTransform(resolved.spec, options.inputFields ?? null);
  const transform = compileTransform(resolved.spec, {
    createWindowOperator,
    ...options,
    name: resolved.name,
    modules: resolved.modules,
  });
  return { ...resolved, transform, outputFields };
}

/** The spec and module functions a reference names, without compiling them. */
export async function resolveTransform(
  value: TransformReference,
  baseDir = process.cwd(),
): Promise<ResolvedTransform> {
  if (typeof value !== 'string')
    return withModules(value.name ?? 'transform', parseTransformSpec(value), baseDir, null);
  const reference = value.trim();
  if (reference.startsWith('{')) {
    const spec = parseTransformSpec(parseJson(reference, 'the transform JSON'));
    return withModules(spec.name ?? 'transform', spec, baseDir, null);
  }
  const preset = findPreset(reference);
  if (preset) return withModules(reference, preset.spec, baseDir, preset.preset);
  if (path.extname(reference).toLowerCase() === '.json') {
    let text: string;
    try {
      text = await readFile(reference, 'utf8');
    } catch (error) {
      throw new InputError(`transform spec ${reference} cannot be read: ${describeError(error)}`);
    }
    const spec = parseTransformSpec(parseJson(text, reference));
    return withModules(reference, spec, path.dirname(path.resolve(reference)), null);
  }
  if (isModulePath(reference)) {
    const run = await loadRowFunction(reference);
    return {
      name: reference,
      spec: { name: reference, steps: [{ type: 'module', path: reference }] },
      modules: new Map([[reference, run]]),
      preset: null,
    };
  }
  throw new InputError(
    `unknown transform "${reference}" — name a preset (${presetList()}), a .json spec or a .js/.cjs/.mjs module`,
  );
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

async function withModules(
  name: string,
  spec: TransformSpec,
  baseDir: string,
  preset: TransformPreset | null,
): Promise<ResolvedTransform> {
  const modules = new Map<string, RowFunction>();
  for (const [index, step] of spec.steps.entries()) {
    if (step.type !== 'module' || modules.has(step.path)) continue;
    if (!isModulePath(step.path))
      throw new InputError(
        `${stepLabel(index, 'module')}path: "${step.path}" is not a .js, .cjs or .mjs file`,
      );
    modules.set(step.path, await loadRowFunction(path.resolve(baseDir, step.path)));
  }
  return { name, spec, modules, preset };
}
