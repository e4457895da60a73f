// The engine's settings across launches: a second engine on the same app data folder (the next
// launch of the desktop app or the dashboard) reopens the dataset and shows the charts, the
// transform and the worker count the first one was left with; a dataset deleted in between is
// simply not reopened; a saveSettings with a wrong part is refused in one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dispatchCommand } from '../../main/api/commandDispatcher';
import type { ChartSpec } from '../../main/api/contract';
import { StreamEngine } from '../../main/api/streamEngine';
import { createLogger } from '../../main/shared/logger';

const launch = (appDataDir: string) =>
  new StreamEngine({
    appDataDir,
    brokers: ['127.0.0.1:1'],
    autoStartBroker: false,
    logger: createLogger('test', () => undefined),
  });

const histogram: ChartSpec = {
  id: 'c1',
  type: 'histogram',
  title: 'Temperatures',
  x: 'Temperature',
  window: { rows: 500 },
};

test('the next launch reopens the dataset and shows the charts, transform and workers', async () => {
  const folder = await mkdtemp(path.join(tmpdir(), 'engine-settings-'));
  try {
    const first = launch(folder);
    const dataset = await first.handlers.createDemoDataset({ rows: 300 });
    await first.handlers.setCharts({ charts: [histogram] });
    const transform = { steps: [{ type: 'filter', where: 'Temperature > 10' }] };
    await first.handlers.saveSettings({ transform, workers: 5 });
    await first.close();

    const second = launch(folder);
    const snapshot = await second.handlers.getSnapshot({});
    assert.equal(snapshot.dataset?.path, dataset.path);
    assert.equal(snapshot.dataset?.rows, 300);
    assert.deepEqual(snapshot.charts, [histogram]);
    assert.deepEqual(snapshot.settings.transform, transform);
    assert.equal(snapshot.settings.workers, 5);
    await second.close();

    await rm(dataset.path);
    const third = launch(folder);
    const after = await third.handlers.getSnapshot({});
    assert.equal(after.dataset, null, 'a deleted dataset is not reopened');
    assert.deepEqual(after.charts, [histogram]);
    const refused = await dispatchCommand(third, 'saveSettings', { workers: 500 });
    assert.deepEqual(refused, {
      ok: false,
      error: 'saveSettings: workers: Too big: expected number to be <=64',
      field: { name: 'workers', message: 'Too big: expected number to be <=64' },
    });
    await third.close();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
