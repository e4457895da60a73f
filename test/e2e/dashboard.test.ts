// End to end in headless Chromium: the dashboard served in-process over a real StreamEngine and
// the test broker. Generate demo data, stream it through two workers, wait until the NYC
// pipeline's box plot shows all five boroughs, scale the pool with the slider, pause / resume /
// stop, export the chart as CSV, PNG and SVG, add a histogram of a discovered field and see it
// drawn, move it, export all charts as one ZIP (the pipeline's charts too), and remove it. The
// PNG has the chart's size; the CSV's rows are the drawn boxes' data. The rate keeps the stream
// running long enough that pause, resume and stop always happen, and the test checks they did.
// Any page error or console error (a CSP violation, say) fails it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openDashboardSession, resultsDir } from '../support/dashboardSession';
import { uniqueName } from '../support/testBroker';

const BOROUGHS = ['Bronx', 'Brooklyn', 'Manhattan', 'Queens', 'Staten Island'];
const BOX_CHART = 'chart-temperature-by-borough';

async function chartSeries(page: Page, testId: string): Promise<string[]> {
  const value = await page.getByTestId(testId).getAttribute('data-series');
  return value ? value.split(',') : [];
}

/** The chart titles in page order. */
async function chartTitles(page: Page): Promise<string[]> {
  return page
    .locator('article.chart-card')
    .evaluateAll((cards) => cards.map((card) => card.getAttribute('aria-label') ?? ''));
}

/** Clicks an export button and returns the path of the file it downloaded. */
async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return file.path();
}

interface DrawnBox {
  name: string;
  median: number;
  /** "N values, M beyond the whiskers" */
  hovertext: string;
}

/** The boxes Plotly drew (its data on the chart element). */
async function drawnBoxes(page: Page): Promise<DrawnBox[]> {
  return page.evaluate<DrawnBox[]>(
    `[...document.querySelector('[data-testid="${BOX_CHART}"]').data].map((trace) => ({
      name: trace.x[0],
      median: trace.median[0],
      hovertext: trace.hovertext,
    }))`,
  );
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
        .locator(`[data-testid="${BOX_CHART}"][data-series="${BOROUGHS.join(',')}"]`)
        .waitFor({ timeout: 180_000 });
      assert.deepEqual(await chartSeries(page, BOX_CHART), BOROUGHS);
      assert.equal(await page.locator('.js-plotly-plot .boxlayer .trace').count(), 5);
      assert.equal(
        await page.getByTestId(BOX_CHART).locator('.g-xtitle').textContent(),
        'Borough',
        'axis titles come from the chart spec',
      );

      // the pipeline's own charts: produced, consumed and output rows/s, per worker, lag
      await page
        .locator('[data-testid="pipeline-throughput"][data-series="produced,consumed,output"]')
        .waitFor({ timeout: 30_000 });
      await page
        .locator('[data-testid="pipeline-workers"][data-series="worker1,worker2"]')
        .waitFor({ timeout: 30_000 });
      await page
        .locator('[data-testid="pipeline-lag"][data-series="p0,p1,p2,p3"]')
        .waitFor({ timeout: 30_000 });

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

      // the workers may still be draining after Stop: take the CSV and the drawn boxes from one
      // unchanged window
      let csv = '';
      let boxes: DrawnBox[] = [];
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const seen = await page.getByTestId(BOX_CHART).getAttribute('data-rows-seen');
        csv = await readFile(await download(page, 'CSV'), 'utf8');
        boxes = await drawnBoxes(page);
        if (seen === (await page.getByTestId(BOX_CHART).getAttribute('data-rows-seen'))) break;
      }
      const lines = csv.trim().split('\n');
      assert.equal(lines[0], 'Violation County,Temperature', 'the chart fields, as a header');
      const rows = lines.slice(1).map((line) => line.split(','));
      assert.equal(rows.length, 1000, 'the window: the last 1000 output rows');
      assert.deepEqual([...new Set(rows.map(([borough]) => borough))].sort(), BOROUGHS);
      assert.ok(rows.every(([, t]) => t === '' || Number.isFinite(Number(t))));
      // the CSV's rows are the drawn boxes' data: each borough's count and median, by hand
      for (const box of boxes) {
        const temperatures = rows
          .filter(([borough, t]) => borough === box.name && t !== '')
          .map(([, t]) => Number(t))
          .sort((a, b) => a - b);
        assert.equal(box.hovertext.split(' ')[0], String(temperatures.length), box.name);
        const middle = (temperatures.length - 1) / 2;
        const median = (temperatures[Math.floor(middle)]! + temperatures[Math.ceil(middle)]!) / 2;
        assert.ok(Math.abs(box.median - median) < 1e-9, `${box.name}: ${box.median} ≠ ${median}`);
      }

      const pngFile = await download(page, 'PNG');
      const png = await readFile(pngFile);
      assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
      // IHDR: width and height, big-endian, at bytes 16 and 20 — the chart's size on the page
      const drawn = await page.getByTestId(BOX_CHART).boundingBox();
      assert.deepEqual(
        [png.readUInt32BE(16), png.readUInt32BE(20)],
        [Math.round(drawn!.width), Math.round(drawn!.height)],
      );

      const svgFile = await download(page, 'SVG');
      const svg = await readFile(svgFile, 'utf8');
      assert.ok(svg.startsWith('<svg'), 'an SVG document');
      assert.ok(svg.includes('>Staten Island<'), 'with its categories');
      assert.ok(svg.includes('>Temperature by borough<'), "with the chart's title");

      // "Add chart": a histogram of a field the feed discovered, drawn from the rows already seen
      await page.getByRole('button', { name: 'Add chart' }).click();
      await page.getByLabel('Chart type').selectOption('histogram');
      await page.locator('#chart-new-x').selectOption('Temperature');
      await page.getByLabel('Title').fill('Temperatures');
      await page.getByRole('button', { name: 'Add this chart' }).click();
      const histogram = page.locator('[data-type="histogram"][data-series="Temperature"]');
      await histogram.waitFor({ timeout: 30_000 });
      await histogram.locator('.barlayer .point').first().waitFor({ timeout: 30_000 });
      assert.ok((await histogram.locator('.barlayer .point').count()) > 1, 'bins are drawn');
      assert.deepEqual(await chartTitles(page), ['Temperature by borough', 'Temperatures']);

      await page.getByRole('button', { name: 'Move Temperatures up' }).click();
      await page
        .locator('article.chart-card')
        .first()
        .and(page.getByLabel('Temperatures'))
        .waitFor();
      assert.deepEqual(await chartTitles(page), ['Temperatures', 'Temperature by borough']);

      const zipFile = await download(page, 'Export all');
      const names = execFileSync(
        'python3',
        [
          '-c',
          'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
          zipFile,
        ],
        { encoding: 'utf8' },
      );
      // every chart's three files, the pipeline's own charts included
      assert.deepEqual(names.trim().split('\n'), [
        'temperatures.png',
        'temperatures.svg',
        'temperatures.csv',
        'temperature-by-borough.png',
        'temperature-by-borough.svg',
        'temperature-by-borough.csv',
        'rows-per-second.png',
        'rows-per-second.svg',
        'rows-per-second.csv',
        'rows-per-second-per-worker.png',
        'rows-per-second-per-worker.svg',
        'rows-per-second-per-worker.csv',
        'consumer-lag-per-input-partition.png',
        'consumer-lag-per-input-partition.svg',
        'consumer-lag-per-input-partition.csv',
        'rows-dropped-per-transform-step.png',
        'rows-dropped-per-transform-step.svg',
        'rows-dropped-per-transform-step.csv',
      ]);
      const throughputCsv = execFileSync(
        'python3',
        [
          '-c',
          'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())',
          zipFile,
          'rows-per-second.csv',
        ],
        { encoding: 'utf8' },
      ).split('\n');
      assert.equal(throughputCsv[0], 'time,series,rows/s');
      assert.match(throughputCsv[1]!, /^\d{4}-\d\d-\d\dT[\d:.]+Z,produced,[\d.]+$/);

      await page.getByRole('button', { name: 'Remove Temperatures' }).click();
      await histogram.waitFor({ state: 'detached' });
      assert.deepEqual(await chartTitles(page), ['Temperature by borough']);

      assert.deepEqual(pageErrors, []);
    } finally {
      await session.close();
    }
  },
);
