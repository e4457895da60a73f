// What the app keeps on disk in its data folder and how big it is — broker data (per topic),
// worker data dirs, demo datasets, producer checkpoints — and removing the parts a user picks.
// Nothing in use is removed: not the data of a running broker, not a worker dir or checkpoint
// whose lock a live process holds. Used by `parquet-streamer storage`; the app can show the same.
import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { isAlive, isKafkaProcess } from '../broker/brokerProcess';
import { readRecord } from '../broker/localBroker';
import { InputError } from '../shared/errors';

export const STORAGE_KINDS = ['broker-data', 'workers', 'demo', 'checkpoints'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

/** Where each kind lives inside the app data folder. */
const KIND_DIRS: Record<StorageKind, string> = {
  'broker-data': 'broker',
  workers: 'workers',
  demo: 'demo',
  checkpoints: 'checkpoints',
};

/** The engine's settings (the connection form's, an encrypted password): never cleaned. */
export function settingsDir(appDataDir: string): string {
  return path.join(appDataDir, 'settings');
}

export interface StorageItem {
  /** a topic, a worker dir, a file, or "broker log and state" */
  name: string;
  bytes: number;
}

export interface StoragePart {
  kind: StorageKind;
  path: string;
  bytes: number;
  items: StorageItem[];
  /** why `clean` would leave it (e.g. the broker is running), or null */
  inUse: string | null;
}

export interface StorageReport {
  appDataDir: string;
  bytes: number;
  parts: StoragePart[];
  /** bytes in the data folder outside the four parts */
  otherBytes: number;
}

export async function storageReport(appDataDir: string): Promise<StorageReport> {
  const parts: StoragePart[] = [];
  for (const kind of STORAGE_KINDS) parts.push(await storagePart(appDataDir, kind));
  const total = await sizeOf(appDataDir);
  const known = parts.reduce((sum, part) => sum + part.bytes, 0);
  return { appDataDir, bytes: total, parts, otherBytes: Math.max(0, total - known) };
}

async function storagePart(appDataDir: string, kind: StorageKind): Promise<StoragePart> {
  const dir = path.join(appDataDir, KIND_DIRS[kind]);
  const items = kind === 'broker-data' ? await brokerItems(dir) : await childItems(dir);
  return {
    kind,
    path: dir,
    bytes: items.reduce((sum, item) => sum + item.bytes, 0),
    items,
    inUse: kind === 'broker-data' ? runningBroker(dir) : null,
  };
}

/** Per topic (its partitions added up), Kafka's internal topics together, then the rest. */
async function brokerItems(brokerDir: string): Promise<StorageItem[]> {
  const logsDir = path.join(brokerDir, 'kraft-logs');
  const topics = new Map<string, number>();
  for (const entry of await entries(logsDir)) {
    const partition = /^(.+)-\d+$/.exec(entry.name);
    if (!entry.isDirectory() || !partition) continue;
    const topic = partition[1].startsWith('__') ? "Kafka's internal topics" : partition[1];
    topics.set(topic, (topics.get(topic) ?? 0) + (await sizeOf(path.join(logsDir, entry.name))));
  }
  const topicBytes = [...topics.values()].reduce((sum, bytes) => sum + bytes, 0);
  const rest = (await sizeOf(brokerDir)) - topicBytes;
  const items = [...topics].map(([name, bytes]) => ({ name, bytes }));
  items.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
  if (rest > 0) items.push({ name: 'broker log and state', bytes: rest });
  return items;
}

async function childItems(dir: string): Promise<StorageItem[]> {
  const items: StorageItem[] = [];
  for (const entry of await entries(dir)) {
    items.push({ name: entry.name, bytes: await sizeOf(path.join(dir, entry.name)) });
  }
  return items.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

export interface CleanResult {
  removedBytes: number;
  removed: string[];
  /** left in place, each with the reason */
  kept: string[];
}

/** Removes the chosen kinds; refuses broker data while its broker runs, skips what is locked. */
export async function cleanStorage(
  appDataDir: string,
  kinds: readonly StorageKind[],
): Promise<CleanResult> {
  const brokerDir = path.join(appDataDir, KIND_DIRS['broker-data']);
  const running = kinds.includes('broker-data') ? runningBroker(brokerDir) : null;
  if (running) {
    throw new InputError(
      `broker data in ${brokerDir} is in use: ${running} — stop it first ` +
        `(\`parquet-streamer broker stop --data-dir ${brokerDir}\`, or quit the app)`,
    );
  }
  const result: CleanResult = { removedBytes: 0, removed: [], kept: [] };
  for (const kind of kinds) {
    const dir = path.join(appDataDir, KIND_DIRS[kind]);
    const targets =
      kind === 'broker-data' ? [dir] : (await entries(dir)).map((e) => path.join(dir, e.name));
    for (const target of targets) {
      const holder = await lockHolder(kind, target);
      if (holder !== null) {
        result.kept.push(`${target} (in use by process ${holder})`);
        continue;
      }
      const bytes = await sizeOf(target);
      await rm(target, { recursive: true, force: true });
      result.removed.push(target);
      result.removedBytes += bytes;
    }
  }
  return result;
}

/** "the broker on 127.0.0.1:9092 (pid N) is running", or null when none runs on that dir. */
function runningBroker(brokerDir: string): string | null {
  const node = readRecord(brokerDir)?.nodes.find((entry) => isKafkaProcess(entry.pid));
  if (!node) return null;
  return `the broker on port ${node.port} (pid ${node.pid}) is running`;
}

/** The live pid holding a worker dir's LOCK or a checkpoint's .lock, or null. */
async function lockHolder(kind: StorageKind, target: string): Promise<number | null> {
  const lockFile =
    kind === 'workers'
      ? path.join(target, 'LOCK')
      : kind === 'checkpoints'
        ? target.replace(/\.(json|lock)$/, '.lock')
        : null;
  if (lockFile === null) return null;
  const pid = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : null;
}

async function entries(dir: string): Promise<Dirent[]> {
  return readdir(dir, { withFileTypes: true }).catch(() => []);
}

/** Bytes on disk under `target` (allocated blocks, so sparse Kafka indexes count as they use). */
async function sizeOf(target: string): Promise<number> {
  const info = await lstat(target).catch(() => null);
  if (!info) return 0;
  let bytes = info.isDirectory() ? 0 : Math.min(info.size, info.blocks * 512);
  if (info.isDirectory()) {
    for (const entry of await entries(target)) bytes += await sizeOf(path.join(target, entry.name));
  }
  return bytes;
}
