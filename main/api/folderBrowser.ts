// The dashboard's file browser: lists one folder under the user's home — its sub-folders and its
// *.parquet files, hidden entries left out — because a browser page cannot hand a local path to
// the engine. Every path is resolved through its symlinks and must stay inside the home folder;
// anything else (`..`, an absolute path elsewhere, a link out) is refused in one line.
import * as nodeFs from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import { InputError } from '../shared/errors';

export interface FolderEntry {
  name: string;
  /** absolute path, as openDataset takes it */
  path: string;
  kind: 'folder' | 'parquet';
}

export interface FolderListing {
  /** the folder listed (absolute, symlinks resolved) */
  path: string;
  /** its parent, or null at the home folder */
  parent: string | null;
  home: string;
  /** folders first, then files, each by name */
  entries: FolderEntry[];
  /** true when the folder held more entries than are listed */
  truncated: boolean;
}

/** The file-system calls the browser makes; tests hand in failing ones. */
export interface FolderFs {
  realpath(target: string): Promise<string>;
  stat(target: string): Promise<{ isDirectory(): boolean }>;
  readdir(target: string, options: { withFileTypes: true }): Promise<Dirent[]>;
}

export const MAX_ENTRIES = 2_000;

/** True when `target` is `root` or lies below it (both absolute, symlinks resolved). */
export function isInsideFolder(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'it is not a folder';
  return code ?? String(error);
}

/**
 * Lists `requested` (absolute, or relative to the home folder; default the home folder). A file
 * lists the folder holding it, so the browser opens where the current dataset lies.
 */
export async function listFolder(
  home: string,
  requested: string | undefined,
  fs: FolderFs = nodeFs,
): Promise<FolderListing> {
  const root = await fs.realpath(home);
  const asked = requested?.trim() ? requested.trim().replace(/^~(?=$|[\\/])/, root) : root;
  const wanted = path.resolve(root, asked);
  let target: string;
  try {
    target = await fs.realpath(wanted);
  } catch (error) {
    throw new InputError(`cannot open folder ${wanted}: ${reason(error)} — choose another folder`);
  }
  if (!isInsideFolder(root, target)) {
    throw new InputError(
      `${wanted} is outside your home folder ${root} — the file browser lists only folders under it`,
    );
  }
  let dirents: Dirent[];
  try {
    if (!(await fs.stat(target)).isDirectory()) target = path.dirname(target);
    dirents = await fs.readdir(target, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`cannot read folder ${target}: ${reason(error)} — choose another folder`);
  }
  const entries: FolderEntry[] = [];
  for (const dirent of dirents) {
    if (dirent.name.startsWith('.')) continue;
    const kind = await entryKind(fs, path.join(target, dirent.name), dirent);
    if (kind) entries.push({ name: dirent.name, path: path.join(target, dirent.name), kind });
  }
  entries.sort((a, b) =>
    a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1,
  );
  return {
    path: target,
    parent: target === root ? null : path.dirname(target),
    home: root,
    entries: entries.slice(0, MAX_ENTRIES),
    truncated: entries.length > MAX_ENTRIES,
  };
}

/** A folder, a *.parquet file, or null for anything else (a link is judged by what it names). */
async function entryKind(
  fs: FolderFs,
  entryPath: string,
  dirent: Dirent,
): Promise<FolderEntry['kind'] | null> {
  let isDirectory = dirent.isDirectory();
  let isFile = dirent.isFile();
  if (dirent.isSymbolicLink()) {
    try {
      const stats = await fs.stat(entryPath);
      isDirectory = stats.isDirectory();
      isFile = !isDirectory;
    } catch {
      return null; // a dangling link
    }
  }
  if (isDirectory) return 'folder';
  return isFile && dirent.name.toLowerCase().endsWith('.parquet') ? 'parquet' : null;
}
