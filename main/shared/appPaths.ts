// Where the app keeps its files by default: broker data, worker data dirs, demo datasets,
// producer checkpoints. ~/.local/share/parquet-streamer unless PS_DATA_DIR or XDG_DATA_HOME say otherwise.
import * as os from 'node:os';
import * as path from 'node:path';

export function defaultAppDataDir(): string {
  if (process.env.PS_DATA_DIR) return path.resolve(process.env.PS_DATA_DIR);
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'parquet-streamer');
}

export function brokerDataDir(appDataDir: string = defaultAppDataDir()): string {
  return path.join(appDataDir, 'broker');
}
