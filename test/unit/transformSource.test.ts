// What --transform accepts: presets, .json spec files (module paths relative to the file), JS
// modules (CommonJS and ES, default or `transform` export; throws and bad returns fail the row),
// JSON text, spec objects, and a one-line error for anything else.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Row } from '../../main/pipelines/pipeline';
import { loadTransform } from '../../main/pipelines/transformSource';

describe('transform sources', () => {
  let dir = '';
  const file = (name: string) => path.join(dir, name);
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'transform-source-'));
    await writeFile(
      file('named.cjs'),
      'module.exports = { transform: (row) => (row.drop ? null : { ...row, seen: true }) };\n',
    );
    await writeFile(
      file('split.mjs'),
      'export default function (row) {\n  if (row.boom) throw new Error("boom " + row.n);\n  if (row.bad) return 42;\n  if (row.mixed) return [row, 7];\n  if (row.later) return Promise.resolve(row);\n  return [row, { ...row, copy: true }];\n}\n',
    );
    await writeFile(file('plain.js'), 'module.exports = (row) => ({ n: row.n + 1 });\n');
    await writeFile(file('nothing.mjs'), 'export const x = 1;\n');
    await writeFile(file('broken.mjs'), 'export default function (row { return row }\n');
    await writeFile(
      file('spec.json'),
      JSON.stringify({
        name: 'with a module',
        steps: [
          { type: 'module', path: './named.cjs' },
          { type: 'select', fields: ['n', 'seen'] },
        ],
      }),
    );
    await writeFile(file('bad.json'), '{"steps": [');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const runOn = async (reference: string, rows: Row[]) => {
    const errors: string[] = [];
    const { transform } = await loadTransform(reference, {
      onRowError: (error) => errors.push(`${error.step} ${error.type}: ${error.message}`),
    });
    const tally = transform.newTally();
    return {
      rows: transform.head.run(rows, tally),
      tally: tally[0]!,
      errors,
      name: transform.name,
    };
  };

  it('a CommonJS module exporting transform; null drops the row', async () => {
    const out = await runOn(file('named.cjs'), [{ n: 1 }, { n: 2, drop: true }]);
    assert.deepEqual(out.rows, [{ n: 1, seen: true }]);
    assert.deepEqual(
      [out.tally.in, out.tally.out, out.tally.dropped, out.tally.errors],
      [2, 1, 1, 0],
    );
    assert.equal(out.name, file('named.cjs'));
  });

  it('an ES module default export returning several rows; throws and bad returns are row errors', async () => {
    const out = await runOn(file('split.mjs'), [
      { n: 1 },
      { n: 2, boom: true },
      { n: 3, bad: true },
      { n: 4, later: true },
      { n: 5, mixed: true },
    ]);
    assert.deepEqual(out.rows, [{ n: 1 }, { n: 1, copy: true }]);
    assert.deepEqual(
      [out.tally.in, out.tally.out, out.tally.dropped, out.tally.errors],
      [5, 2, 0, 4],
    );
    assert.deepEqual(out.errors, [
      '1 module: the module threw: boom 2',
      '1 module: the module returned number 42; return a row, a list of rows or null',
      '1 module: the module returned a Promise (transform functions must not be async); return a row, a list of rows or null',
      '1 module: the module returned a list holding something other than rows; return a row, a list of rows or null',
    ]);
  });

  it('a module whose module.exports is the function', async () => {
    assert.deepEqual((await runOn(file('plain.js'), [{ n: 1 }])).rows, [{ n: 2 }]);
  });

  it('a .json spec whose module path is relative to the spec file', async () => {
    const out = await runOn(file('spec.json'), [{ n: 5, other: 1 }]);
    assert.deepEqual(out.rows, [{ n: 5, seen: true }]);
    assert.equal(out.name, file('spec.json'));
  });

  it('JSON text and spec objects', async () => {
    const text = '{"steps":[{"type":"derive","field":"m","expr":"n * 10"}]}';
    assert.deepEqual((await runOn(text, [{ n: 2 }])).rows, [{ n: 2, m: 20 }]);
    const loaded = await loadTransform({ steps: [{ type: 'select', fields: ['n'] }] });
    assert.equal(loaded.transform.name, 'transform');
    assert.equal(loaded.preset, null);
  });

  it('one-line errors for files and names it cannot use', async () => {
    await assert.rejects(loadTransform(file('nothing.mjs')), {
      message: `transform module ${file('nothing.mjs')} exports no function — export "transform" or a default function of a row`,
    });
    await assert.rejects(loadTransform(file('broken.mjs')), (error: Error) =>
      error.message.startsWith(`transform module ${file('broken.mjs')} failed to load: `),
    );
    await assert.rejects(loadTransform(file('missing.js')), {
      message: `transform module ${file('missing.js')} does not exist`,
    });
    await assert.rejects(loadTransform(file('bad.json')), (error: Error) =>
      error.message.startsWith(`${file('bad.json')} is not valid JSON: `),
    );
    await assert.rejects(loadTransform('nyc-parking'), {
      message:
        'unknown transform "nyc-parking" — name a preset (nyc-parking-boroughs, nyc-parking-temperature-10m, counts-per-minute:<column>), a .json spec or a .js/.cjs/.mjs module',
    });
    await assert.rejects(loadTransform({ steps: [{ type: 'module', path: 'x.py' }] }), {
      message: 'step 1 (module): path: "x.py" is not a .js, .cjs or .mjs file',
    });
  });
});
