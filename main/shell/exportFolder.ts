// Writes the files of "Export all" into a new folder inside the one the user chose (charts-<UTC
// time>, so nothing already there is overwritten). No electron here: the shell asks for the
// folder, this writes it, and a test can run it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandArgs } from '../api/contract';
import { InputError } from '../shared/errors';

export type ExportFile = CommandArgs<'saveExportFiles'>['files'][number];

/** charts-2026-11-29T14-05-09Z: sortable, and a valid folder name everywhere */
export function exportFolderName(now: Date): string {
  return `charts-${now.toISOString().slice(0, 19).replace(/:/g, '-')}Z`;
}

/** Writes every file into parent/charts-<time>/ and returns that folder. */
export async function writeExportFolder(
  parent: string,
  files: readonly ExportFile[],
  now = new Date(),
): Promise<string> {
  const folder = path.join(parent, exportFolderName(now));
  try {
    await mkdir(folder, { recursive: false });
  } catch (error) {
    throw new InputError(
      `cannot create ${folder}: ${(error as NodeJS.ErrnoException).code ?? String(error)} — choose another folder`,
      { cause: error },
    );
  }
  for (const file of files) {
    if (path.basename(file.name) !== file.name) {
      throw new InputError(`export file name ${file.name} is not a plain file name`);
    }
    await writeFile(path.join(folder, file.name), Buffer.from(file.base64, 'base64'));
  }
  return folder;
}
