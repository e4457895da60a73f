// `parquet-streamer storage [clean …]`: what the app keeps on disk (broker data per topic, worker
// dirs, demo files, checkpoints) with sizes, and removing the parts the user picks.
import type { Command } from 'commander';
import path from 'node:path';
import { defaultAppDataDir } from '../../shared/appPaths';
import { InputError } from '../../shared/errors';
import {
  cleanStorage,
  STORAGE_KINDS,
  storageReport,
  type StorageKind,
} from '../../storage/appStorage';
import { formatBytes } from '../formatBytes';

interface StorageFlags {
  dataDir: string;
  json?: boolean;
}

interface CleanFlags extends StorageFlags {
  brokerData?: boolean;
  workers?: boolean;
  demo?: boolean;
  checkpoints?: boolean;
  all?: boolean;
}

const KIND_FLAGS: Record<StorageKind, keyof CleanFlags> = {
  'broker-data': 'brokerData',
  workers: 'workers',
  demo: 'demo',
  checkpoints: 'checkpoints',
};

export function registerStorageCommand(program: Command): void {
  const storage = program
    .command('storage')
    .description('show what the app keeps on disk, with sizes (clean: remove parts of it)')
    .enablePositionalOptions()
    .option('--data-dir <dir>', 'the app data folder', defaultAppDataDir())
    .option('--json', 'print JSON')
    .action(async (flags: StorageFlags) => {
      const report = await storageReport(path.resolve(flags.dataDir));
      if (flags.json) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      console.log(`${report.appDataDir}: ${formatBytes(report.bytes)}`);
      for (const part of report.parts) {
        const note = part.inUse ? ` — in use: ${part.inUse}` : '';
        console.log(
          `  ${part.kind.padEnd(12)} ${formatBytes(part.bytes).padStart(10)}  ${part.path}${note}`,
        );
        for (const item of part.items) {
          console.log(`    ${formatBytes(item.bytes).padStart(10)}  ${item.name}`);
        }
      }
      if (report.otherBytes > 0)
        console.log(`  ${'other'.padEnd(12)} ${formatBytes(report.otherBytes).padStart(10)}`);
      console.log(
        'remove parts with: parquet-streamer storage clean --broker-data|--workers|--demo|--checkpoints|--all',
      );
    });

  storage
    .command('clean')
    .description('remove broker data, worker dirs, demo files or checkpoints (nothing in use)')
    .option('--data-dir <dir>', 'the app data folder', defaultAppDataDir())
    .option('--broker-data', "the local broker's topics and state (refused while it runs)")
    .option('--workers', 'worker data dirs (those of running workers are kept)')
    .option('--demo', 'generated demo datasets')
    .option('--checkpoints', 'producer checkpoints (--resume starts over afterwards)')
    .option('--all', 'all of the above')
    .action(async (flags: CleanFlags) => {
      const kinds = STORAGE_KINDS.filter((kind) => flags.all || flags[KIND_FLAGS[kind]]);
      if (kinds.length === 0) {
        throw new InputError(
          'storage clean: choose what to remove — --broker-data, --workers, --demo, --checkpoints or --all',
        );
      }
      const result = await cleanStorage(path.resolve(flags.dataDir), kinds);
      for (const kept of result.kept) console.log(`kept ${kept}`);
      console.log(`removed ${result.removed.length} item(s), ${formatBytes(result.removedBytes)}`);
    });
}
