// Refuses a directory the app would keep files in when it lies on a pseudo file system (/proc,
// /sys, /dev): they hold no files, and Node's recursive mkdir spins there forever instead of
// failing. Linux tells the file system type in /proc/self/mountinfo; elsewhere the well-known
// mount points stand in for it.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { InputError } from './errors';

const PSEUDO_FILE_SYSTEMS = new Set([
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'fusectl',
  'hugetlbfs',
  'mqueue',
  'nsfs',
  'proc',
  'pstore',
  'securityfs',
  'sysfs',
  'tracefs',
]);
const PSEUDO_MOUNT_POINTS: Record<string, string> = {
  '/proc': 'proc',
  '/sys': 'sysfs',
  '/dev': 'devfs',
};

export interface Mount {
  mountPoint: string;
  fsType: string;
}

/** The mounts listed in a /proc/self/mountinfo text (mount points unescaped). */
export function parseMountInfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right) continue;
    const mountPoint = left.split(' ')[4];
    const fsType = right.split(' ')[0];
    if (!mountPoint || !fsType) continue;
    mounts.push({
      mountPoint: mountPoint.replace(/\\([0-7]{3})/g, (_, octal: string) =>
        String.fromCharCode(parseInt(octal, 8)),
      ),
      fsType,
    });
  }
  return mounts;
}

/** The mount that holds `target` (an absolute, resolved path): the longest mount point above it. */
export function mountHolding(target: string, mounts: Mount[]): Mount | null {
  let best: Mount | null = null;
  for (const mount of mounts) {
    const inside =
      target === mount.mountPoint ||
      mount.mountPoint === '/' ||
      target.startsWith(mount.mountPoint + '/');
    if (inside && (!best || mount.mountPoint.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}

/** The pseudo file system type `dir` would be created on, or null when it is a real one. */
export function pseudoFileSystemOf(dir: string): string | null {
  const target = nearestExisting(path.resolve(dir));
  let mounts: Mount[];
  try {
    mounts = parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch {
    mounts = Object.entries(PSEUDO_MOUNT_POINTS).map(([mountPoint, fsType]) => ({
      mountPoint,
      fsType,
    }));
  }
  const fsType = mountHolding(target, mounts)?.fsType;
  return fsType !== undefined && PSEUDO_FILE_SYSTEMS.has(fsType) ? fsType : null;
}

/** Throws a one-line InputError when `dir` (named `what`, e.g. "--data-dir") cannot hold files. */
export function assertDiskDirectory(dir: string, what: string): void {
  const fsType = pseudoFileSystemOf(dir);
  if (fsType !== null) {
    throw new InputError(
      `${what} ${dir} is on a ${fsType} pseudo file system, which cannot hold files — choose a directory on a disk`,
    );
  }
}

/** `dir`, or its closest ancestor that exists, with symbolic links resolved. */
function nearestExisting(dir: string): string {
  let current = dir;
  while (!existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  try {
    return realpathSync(current);
  } catch {
    return current;
  }
}
