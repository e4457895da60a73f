// The settings file: saves merge part by part and survive a restart (a new store on the same
// file, as the next launch of either the desktop app or the dashboard), an invalid part is
// dropped with a warning while the others stay, and a file that is not JSON means no settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SettingsStore, settingsFile } from '../../main/storage/appSettings';
import { createLogger } from '../../main/shared/logger';

async function withDir(run: (dir: string, lines: string[]) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ps-settings-'));
  const lines: string[] = [];
  try {
    await run(dir, lines);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const logger = (lines: string[]) => createLogger('test', (line) => lines.push(line));

test('saves merge part by part and the next launch reads them back', async () => {
  await withDir(async (dir, lines) => {
    const file = settingsFile(dir);
    assert.equal(file, path.join(dir, 'settings.json'));
    const first = new SettingsStore(file, logger(lines));
    assert.deepEqual(first.get(), {}, 'no file: no settings');
    await first.save({ datasetPath: '/data/a.parquet', workers: 3 });
    const transform = { steps: [{ filter: 'x > 1' }] };
    await first.save({ workers: 1, transform });
    const stream = { inputTopic: 'in', outputTopic: 'out', partitions: 4, ratePerSecond: 50 };
    await first.save({ stream });

    const next = new SettingsStore(file, logger(lines));
    assert.deepEqual(next.get(), { datasetPath: '/data/a.parquet', workers: 1, transform, stream });
    assert.deepEqual(lines, []);
  });
});

test('an invalid part is dropped with a warning; the others stay', async () => {
  await withDir(async (dir, lines) => {
    const file = settingsFile(dir);
    const charts = [{ id: 'c1', type: 'nonsense', title: 'x' }];
    await writeFile(file, JSON.stringify({ datasetPath: '/data/b.parquet', workers: 2, charts }));
    const store = new SettingsStore(file, logger(lines));
    assert.deepEqual(store.get(), { datasetPath: '/data/b.parquet', workers: 2 });
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /setting charts in .*settings\.json ignored/);

    await writeFile(file, '{ not json');
    assert.deepEqual(new SettingsStore(file, logger(lines)).get(), {});
    assert.match(lines[1]!, /ignored: not JSON/);
    // the next save writes a valid file again
    await new SettingsStore(file, logger(lines)).save({ workers: 4 });
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { workers: 4 });
  });
});
