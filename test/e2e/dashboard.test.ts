// End to end in headless Chromium: the dashboard served in-process over a real StreamEngine and
// the test broker. Generate demo data, stream it through two workers, wait until the box plot
// shows all five boroughs, scale the pool with the slider, pause / resume / stop, and export the
// chart as CSV, PNG and SVG. The rate keeps the stream running long enough that pause, resume
// and stop always happen, and the test checks they did. Any page error or console error (a CSP
// violation, say) fails it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openDashboardSession, resultsDir } from '../support/dashboardSession';
import { uniqueName } from '../support/testBroker';

const BOROUGHS = ['Bronx', 'Brooklyn', 'Manhattan', 'Queens', 'Staten Island'];

async function chartBoroughs(page: Page): Promise<string[]> {
  const value = await page.getByTestId('boxplot').getAttribute('data-boroughs');
  return value ? value.split(',') : [];
}

/** Clicks an export button and returns the path of the file it downloaded. */
async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return file.path();
}

async function streamState(page: Page): Promise<string | null> {
  return page.getByTestId('stream-progress').getAttribute('data-state');
}

/** The acked row count the progress line shows. */
async function rowsAcked(page: Page): Promise<number> {
  const text = (await page.getByTestId('stream-progress').textContent()) ?? '';
  const match = /([\d,]+) \/ [\d,]+ rows acked/.exec(text);
  assert.ok(match, `no acked count in ${JSON.stringify(text)}`);
  return Number(match[1]!.replaceAll(',', ''));
}

async function waitForStreamState(page: Page, states: string[], timeout: number): Promise<void> {
  const selector = states.map((state) => `[data-state="${state}"]`).join(',');
  await page.getByTestId('stream-progress').and(page.locator(selector)).waitFor({ timeout });
}

test(
  'the dashboard streams a Parquet file to a live box plot of all five boroughs',
  {
    timeout: 300_000,
  },
  async () => {
    const session = await openDashboardSession('dashboard');
    try {
      const { page, pageErrors } = session;

      await page.getByLabel('Demo rows').fill('60000');
      await page.getByRole('button', { name: 'Generate demo data' }).click();
      const summary = page.getByTestId('dataset-summary');
      await summary.waitFor({ timeout: 120_000 });
      assert.match((await summary.textContent()) ?? '', /60,000/);
      const previewHeader = summary.locator('table.preview thead');
      assert.match(
        (await previewHeader.textContent()) ?? '',
        /Violation County Name.*W - Temperature/,
      );
      assert.equal(await summary.locator('table.preview tbody tr').count(), 5);

      await page.getByLabel('Input topic').fill(uniqueName('e2e-violations'));
      await page.getByLabel('Output topic').fill(uniqueName('e2e-by-borough'));
      // 500 rows/s: 60,000 rows take two minutes, far longer than the steps before Stop
      await page.getByLabel('Rate (rows/s)').fill('500');
      await page.getByLabel('Rate (rows/s)').press('Enter');

      await page
        .locator(`[data-testid="boxplot"][data-boroughs="${BOROUGHS.join(',')}"]`)
        .waitFor({ timeout: 180_000 });
      assert.deepEqual(await chartBoroughs(page), BOROUGHS);
      assert.equal(await page.locator('.js-plotly-plot .boxlayer .trace').count(), 5);

      const workerRows = page.getByTestId('workers-table').locator('tbody tr');
      assert.equal(await workerRows.count(), 2);

      // three workers through the slider, while the stream runs
      await page.getByLabel('Worker processes').focus();
      await page.keyboard.press('ArrowRight');
      await workerRows.nth(2).waitFor({ timeout: 60_000 });
      assert.equal(await workerRows.count(), 3);

      await mkdir(resultsDir, { recursive: true });
      await page.screenshot({ path: path.join(resultsDir, 'dashboard.png'), fullPage: true });

      assert.equal(await streamState(page), 'running', 'still streaming: pause, resume, stop run');
      await page.getByRole('button', { name: 'Pause' }).click();
      await waitForStreamState(page, ['paused'], 30_000);
      await page.getByRole('button', { name: 'Resume' }).click();
      await waitForStreamState(page, ['running'], 30_000);
      await page.getByRole('button', { name: 'Stop' }).click();
      await waitForStreamState(page, ['done'], 60_000);
      const acked = await rowsAcked(page);
      assert.ok(acked > 0 && acked < 60_000, `Stop ended the stream early (${acked} rows acked)`);

      const csvFile = await download(page, 'CSV');
      const csv = await readFile(csvFile, 'utf8');
      const lines = csv.trim().split('\n');
      assert.equal(lines[0], 'borough,temperature');
      assert.deepEqual(
        [...new Set(lines.slice(1).map((line) => line.split(',')[0]))],
        BOROUGHS,
        'every borough in chart order',
      );
      assert.ok(lines.slice(1).every((line) => Number.isFinite(Number(line.split(',')[1]))));

      const pngFile = await download(page, 'PNG');
      const png = await readFile(pngFile);
      assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);

      const svgFile = await download(page, 'SVG');
      const svg = await readFile(svgFile, 'utf8');
      assert.match(svg, /<svg[\s\S]*Staten Island/);

      assert.deepEqual(pageErrors, []);
    } finally {
      await session.close();
    }
  },
);
