// The app's previewTransform command: over the open dataset's first rows, validated against its
// fields, and a one-line error when no dataset is open or the spec is wrong.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dispatchCommand } from '../../main/api/commandDispatcher';
import type { CommandResults } from '../../main/api/contract';
import { StreamEngine } from '../../main/api/streamEngine';
import { writeDemoDataset } from '../../main/parquet/demoDataset';

describe('previewTransform command', () => {
  let folder = '';
  let engine: StreamEngine;
  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'transform-engine-'));
    engine = new StreamEngine({
      appDataDir: folder,
      brokers: ['127.0.0.1:1'],
      autoStartBroker: false,
    });
  });
  after(async () => {
    await engine.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('needs an open dataset', async () => {
    const outcome = await dispatchCommand(engine, 'previewTransform', {
      transform: 'nyc-parking-boroughs',
    });
    assert.deepEqual(outcome, {
      ok: false,
      error: 'no dataset is open — open a Parquet file first',
    });
  });

  it('runs over the first rows of the open dataset', async () => {
    const file = path.join(folder, 'demo.parquet');
    await writeDemoDataset({ path: file, rows: 500 });
    await engine.handlers.openDataset({ path: file });
    const spec = {
      steps: [
        { type: 'select', fields: ['Summons Number', { field: 'W - Temperature', as: 't' }] },
        { type: 'filter', where: { field: 't', op: 'not-null' } },
        { type: 'derive', field: 'f', expr: 'round(t * 9 / 5 + 32, 1)' },
      ],
    };
    const outcome = await dispatchCommand(engine, 'previewTransform', {
      transform: spec,
      limit: 40,
    });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const { rows, steps, stepFields } = outcome.value as CommandResults['previewTransform'];
    // the builder's field pickers: the dataset's fields, then what select and derive left
    assert.ok(stepFields[0]!.includes('Violation County Name'));
    assert.deepEqual(stepFields.slice(1), [
      ['Summons Number', 't'],
      ['Summons Number', 't'],
    ]);
    assert.deepEqual(steps[0], {
      step: 1,
      type: 'select',
      in: 40,
      out: 40,
      dropped: 0,
      errors: 0,
      late: 0,
    });
    assert.equal(steps[2]!.out, rows.length);
    assert.equal(steps[1]!.dropped + rows.length, 40);
    for (const row of rows) {
      assert.deepEqual(Object.keys(row), ['Summons Number', 't', 'f']);
      const t = row.t as number;
      assert.equal(row.f, Math.round((t * 1.8 + 32) * 10) / 10);
    }
  });

  it('a spec with a typo is one line naming the step and the field', async () => {
    const outcome = await dispatchCommand(engine, 'previewTransform', {
      transform: { steps: [{ type: 'select', fields: ['W - Temprature'] }] },
    });
    assert.deepEqual(outcome, {
      ok: false,
      error: 'step 1 (select): unknown field "W - Temprature" — did you mean "W - Temperature"?',
    });
    const shape = await dispatchCommand(engine, 'previewTransform', {
      transform: { steps: [{ type: 'cast', field: 'x', to: 'int' }] },
    });
    assert.match(
      shape.ok ? '' : shape.error,
      /^previewTransform: transform: step 1 \(cast\): to: /,
    );
  });
});
