// Loads a JavaScript transform module (.js, .cjs, .mjs): the function of a row it exports as
// `transform` or as its default export, like a Faust agent's body. CommonJS and ES modules both
// work; loading runs the module's top-level code once.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../shared/errors';
import type { RowFunction } from './rowSteps';

const MODULE_EXTENSIONS = ['.js', '.cjs', '.mjs'] as const;

export function isModulePath(reference: string): boolean {
  return (MODULE_EXTENSIONS as readonly string[]).includes(path.extname(reference).toLowerCase());
}

/** The module's transform function; InputError naming the file when it has none or fails to load. */
export async function loadRowFunction(modulePath: string): Promise<RowFunction> {
  const file = path.resolve(modulePath);
  if (!existsSync(file)) throw new InputError(`transform module ${modulePath} does not exist`);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(`transform module ${modulePath} failed to load: ${reason}`, {
      cause: error,
    });
  }
  const fallback = loaded.default as Record<string, unknown> | undefined;
  const candidate = [loaded.transform, loaded.default, fallback?.transform].find(
    (value) => typeof value === 'function',
  );
  if (!candidate)
    throw new InputError(
      `transform module ${modulePath} exports no function — export "transform" or a default function of a row`,
    );
  return candidate as RowFunction;
}
