// End to end in headless Chromium over a file that is not parking data: choose it in the engine's
// file browser (confined to a temporary home folder), see the default preset fail on its fields
// beside the step, build a filter + derive transform in the builder and check the preview's
// per-step counts and rows against a hand count, export the spec as JSON and import it back,
// have a changed but unopened path block the stream with the error beside the field, stream
// another file typed into the field (opened first), see which transform the workers run, fill a
// histogram and a bar chart of the output's fields, and see the pipeline's dropped-rows chart
// show the filter's hand count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import * as parquetWasm from 'parquet-wasm';
import type { Page } from 'playwright-core';
import { openDashboardSession } from '../support/dashboardSession';
import { uniqueName } from '../support/testBroker';

const CITIES = ['Lisbon', 'Porto', 'Braga', 'Faro'];

/** Trip i: a city in turn, a distance of ((37 i) mod 100) / 10 km, 1–4 passengers. */
function trips(count: number) {
  const ids = Array.from({ length: count }, (_, i) => i);
  return {
    trip_id: ids,
    city: ids.map((i) => CITIES[i % CITIES.length]!),
    distance_km: ids.map((i) => ((i * 37) % 100) / 10),
    passengers: ids.map((i) => 1 + (i % 4)),
  };
}

async function writeTrips(file: string, count: number): Promise<void> {
  const columns = trips(count);
  const table = new arrow.Table({
    trip_id: arrow.vectorFromArray(columns.trip_id, new arrow.Int32()),
    city: arrow.vectorFromArray(columns.city, new arrow.Utf8()),
    distance_km: arrow.vectorFromArray(columns.distance_km, new arrow.Float64()),
    passengers: arrow.vectorFromArray(columns.passengers, new arrow.Int32()),
  });
  const wasmTable = parquetWasm.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, parquetWasm.writeParquet(wasmTable));
}

/** The cells of the preview's per-step counts: [step, type, in, out, dropped, errors] per row. */
async function stepCounts(page: Page): Promise<string[][]> {
  return page
    .getByTestId('transform-step-counts')
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
    );
}

test(
  'the transform builder previews and streams a filter + derive over a file that is not parking data',
  { timeout: 300_000 },
  async () => {
    const home = await realpath(await mkdtemp(path.join(tmpdir(), 'ps-e2e-home-')));
    const sample = path.join(home, 'data', 'sample.parquet');
    const full = path.join(home, 'data', 'trips.parquet');
    await writeTrips(sample, 20);
    await writeTrips(full, 2_000);
    await writeFile(path.join(home, 'data', 'notes.txt'), 'not listed');
    const session = await openDashboardSession('builder', { engine: { homeDir: home } });
    try {
      const { page, pageErrors } = session;

      // the engine's file browser: home, then data/, then a file
      await page.getByRole('button', { name: 'Browse…' }).click();
      await page.getByRole('button', { name: 'data/' }).click();
      await page
        .getByTestId('file-browser-folder')
        .and(page.getByText(path.dirname(sample)))
        .waitFor();
      const listed = await page.getByTestId('file-browser-list').locator('li').allTextContents();
      assert.deepEqual(
        listed.map((text) => text.replace(/^\W+/, '')),
        ['sample.parquet', 'trips.parquet'],
      );
      await page.getByRole('button', { name: 'sample.parquet' }).click();
      const summary = page.getByTestId('dataset-summary');
      await summary.getByText(sample).waitFor();
      assert.match((await summary.textContent()) ?? '', /Rows20/);

      // the default preset reads NYC fields: the engine's message shows beside its first step
      await page.locator('#step-1-error').waitFor();
      assert.match(
        (await page.locator('#step-1-error').textContent()) ?? '',
        /^step 1 \(select\): unknown field "Issue Date"/,
      );

      // build filter + derive in place of the preset's steps
      await page.getByRole('button', { name: 'Remove step 2' }).click();
      await page.getByRole('button', { name: 'Remove step 1' }).click();
      await page.locator('#transform-name').fill('long-trips');
      await page.locator('#transform-new-type').selectOption('filter');
      await page.getByRole('button', { name: 'Add step' }).click();
      await page.locator('#step-1-field').fill('distance_km');
      await page.locator('#step-1-op').selectOption('gt');
      await page.locator('#step-1-value').fill('5');
      await page.locator('#transform-new-type').selectOption('derive');
      await page.getByRole('button', { name: 'Add step' }).click();
      await page.locator('#step-2-field').fill('fare');
      await page.locator('#step-2-expr').fill('round(distance_km * 2.5 + 3, 2)');

      // the hand count: sample trips longer than 5 km
      const sampleTrips = trips(20);
      const kept = sampleTrips.distance_km.filter((km) => km > 5).length;
      const firstKept = sampleTrips.distance_km.findIndex((km) => km > 5);
      const expectedFare = Math.round((sampleTrips.distance_km[firstKept]! * 2.5 + 3) * 100) / 100;
      const preview = page.getByTestId('transform-preview');
      await preview.and(page.locator('[data-state="ready"]')).waitFor();
      await page.getByTestId('transform-rows').locator('thead', { hasText: 'fare' }).waitFor();
      assert.deepEqual(await stepCounts(page), [
        ['1', 'filter', '20', String(kept), String(20 - kept), '0'],
        ['2', 'derive', String(kept), String(kept), '0', '0'],
      ]);
      const header = await page.getByTestId('transform-rows').locator('thead th').allTextContents();
      assert.deepEqual(header, ['trip_id', 'city', 'distance_km', 'passengers', 'fare']);
      const firstRow = await page
        .getByTestId('transform-rows')
        .locator('tbody tr')
        .first()
        .locator('td')
        .allTextContents();
      assert.equal(firstRow[0], String(firstKept));
      assert.equal(Number(firstRow[4]), expectedFare);
      assert.equal(await page.getByTestId('transform-current').textContent(), 'long-trips');

      // export: the JSON spec the CLI takes
      await page.getByText('JSON (the spec').click();
      const [exported] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export JSON' }).click(),
      ]);
      assert.equal(exported.suggestedFilename(), 'long-trips.json');
      const exportedText = await readFile(await exported.path(), 'utf8');
      assert.deepEqual(JSON.parse(exportedText), {
        name: 'long-trips',
        steps: [
          { type: 'filter', where: { field: 'distance_km', op: 'gt', value: 5 } },
          { type: 'derive', field: 'fare', expr: 'round(distance_km * 2.5 + 3, 2)' },
        ],
      });
      // import: a spec file replaces the steps; the exported one comes back as the same forms
      await page.getByRole('button', { name: 'Remove step 2' }).click();
      await page.getByLabel('Transform spec file').setInputFiles({
        name: 'long-trips.json',
        mimeType: 'application/json',
        buffer: Buffer.from(exportedText),
      });
      await page.locator('#step-2-expr').waitFor();
      assert.equal(await page.locator('#step-1-field').inputValue(), 'distance_km');
      assert.equal(await page.locator('#step-1-value').inputValue(), '5');
      assert.equal(
        await page.locator('#step-2-expr').inputValue(),
        'round(distance_km * 2.5 + 3, 2)',
      );
      await preview.and(page.locator('[data-state="ready"]')).waitFor();
      assert.equal(await page.getByTestId('transform-step-counts').locator('tbody tr').count(), 2);

      await page.getByLabel('Input topic').fill(uniqueName('e2e-trips'));
      await page.getByLabel('Output topic').fill(uniqueName('e2e-long-trips'));
      await page.getByLabel('Rate (rows/s)').fill('200');

      // a path changed but not opened is opened first; when that fails, nothing streams
      const pathField = page.getByLabel('Parquet file or folder');
      await pathField.fill(path.join(home, 'data', 'missing.parquet'));
      await page.getByRole('button', { name: 'Stream', exact: true }).click();
      await page.locator('#dataset-path-error').waitFor();
      assert.match(
        (await page.locator('#dataset-path-error').textContent()) ?? '',
        /missing\.parquet/,
      );
      assert.equal(await page.getByTestId('stream-progress').getAttribute('data-state'), 'idle');

      await pathField.fill(full);
      await page.getByRole('button', { name: 'Stream', exact: true }).click();
      await summary.getByText(full).waitFor();
      assert.match((await summary.textContent()) ?? '', /Rows2,000/);
      await page
        .getByTestId('stream-progress')
        .and(page.locator('[data-state="running"],[data-state="done"]'))
        .waitFor({ timeout: 180_000 })
        .catch(async (error: Error) => {
          const progress = await page.getByTestId('stream-progress').innerText();
          throw new Error(`the stream did not run (${progress}): ${error.message}`);
        });
      await page.getByTestId('workers-transform').getByText('long-trips').waitFor();

      // charts of the output's own fields
      await page.getByRole('button', { name: 'Add chart' }).click();
      await page.locator('#chart-new-x option[value="fare"]').waitFor({ state: 'attached' });
      await page.getByLabel('Chart type').selectOption('histogram');
      await page.locator('#chart-new-x').selectOption('fare');
      await page.getByLabel('Title').fill('Fares');
      await page.getByRole('button', { name: 'Add this chart' }).click();
      const histogram = page.locator('[data-type="histogram"][data-series="fare"]');
      await histogram.locator('.barlayer .point').first().waitFor({ timeout: 60_000 });
      assert.ok((await histogram.locator('.barlayer .point').count()) > 1, 'bins are drawn');

      await page.getByRole('button', { name: 'Add chart' }).click();
      await page.getByLabel('Chart type').selectOption('bar');
      await page.locator('#chart-new-x').selectOption('city');
      await page.getByLabel('Title').fill('Long trips by city');
      await page.getByRole('button', { name: 'Add this chart' }).click();
      const bars = page.locator(
        'article.chart-card[aria-label="Long trips by city"] .barlayer .point',
      );
      await bars.nth(CITIES.length - 1).waitFor({ timeout: 60_000 });
      assert.equal(await bars.count(), CITIES.length, 'one bar per city');

      // the pipeline's dropped-rows chart, once every row is committed: the filter's hand count
      const notLong = trips(2_000).distance_km.filter((km) => !(km > 5)).length;
      await page
        .locator(
          `[data-testid="pipeline-dropped"][data-series="step 1 (filter),step 2 (derive)"]` +
            `[data-dropped="${notLong},0"]`,
        )
        .waitFor({ timeout: 120_000 })
        .catch(async (error: Error) => {
          const shown = await page.getByTestId('pipeline-dropped').getAttribute('data-dropped');
          throw new Error(`dropped per step ${shown}, expected ${notLong},0: ${error.message}`);
        });
      await page.getByTestId('pipeline-dropped').locator('.barlayer .point').first().waitFor();

      assert.deepEqual(pageErrors, []);
    } finally {
      await session.close();
      await rm(home, { recursive: true, force: true });
    }
  },
);
