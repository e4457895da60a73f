// `node scripts/screenshots.js` (after `npm run build`): re-makes the README's screenshots in
// docs/ — the dashboard ready to stream, and its charts, pipeline and workers while it streams
// demo data through two workers, each in the light and the dark theme (Chromium told the OS prefers one or the other). It uses the cluster
// in PS_BROKERS (host:port,…) or starts a throwaway local broker; PS_SCREENSHOT_PORT picks the
// dashboard's port (default: a free one).
const { mkdtemp, rm } = require('node:fs/promises');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { StreamEngine } = require('../dist/main/api/streamEngine');
const { freePort, LocalBroker } = require('../dist/main/broker/localBroker');
const { startDashboardServer } = require('../dist/main/server/dashboardServer');
const { builtRendererDir } = require('../dist/main/server/staticFiles');
const { createLogger } = require('../dist/main/shared/logger');

const docsDir = path.resolve(__dirname, '..', 'docs');
const VIEWPORT = { width: 1000, height: 800 };
const BOROUGHS = 'Bronx,Brooklyn,Manhattan,Queens,Staten Island';

async function cluster(scratch) {
  if (process.env.PS_BROKERS) return { brokers: process.env.PS_BROKERS.split(','), stop() {} };
  const broker = new LocalBroker({ dataDir: path.join(scratch, 'broker'), port: await freePort() });
  await broker.start();
  return { brokers: broker.brokers, stop: () => broker.stop() };
}

/** A screenshot from the top of `first` (the page's top when null) to the bottom of `last`. */
async function shoot(page, name, first, last) {
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  const top = first ? Math.max(0, Math.floor((await page.locator(first).boundingBox()).y) - 12) : 0;
  const box = await page.locator(last).boundingBox();
  const height = Math.min(2400, Math.ceil(box.y + box.height) + 12 - top);
  const file = path.join(docsDir, `${name}.png`);
  await page.screenshot({
    path: file,
    fullPage: true,
    clip: { x: 0, y: top, width: VIEWPORT.width, height },
  });
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

async function main() {
  const scratch = await mkdtemp(path.join(tmpdir(), 'ps-screenshots-'));
  const logger = createLogger('screenshots', () => undefined);
  const broker = await cluster(scratch);
  const engine = new StreamEngine({ appDataDir: scratch, brokers: broker.brokers, logger });
  const port = Number(process.env.PS_SCREENSHOT_PORT ?? 0);
  const server = await startDashboardServer({
    host: engine,
    port,
    staticDir: builtRendererDir(),
    logger,
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const pages = {};
    for (const scheme of ['light', 'dark']) {
      const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: scheme });
      pages[scheme] = await context.newPage();
      await pages[scheme].goto(server.url);
      await pages[scheme].getByText('Broker: external cluster').waitFor({ timeout: 120_000 });
    }
    const { light, dark } = pages;
    await light.getByLabel('Demo rows').fill('40000');
    await light.getByRole('button', { name: 'Generate demo data' }).click();
    await light.getByTestId('dataset-summary').waitFor({ timeout: 120_000 });
    await light.getByLabel('Rate (rows/s)').fill('1000');
    // the other page shows the same engine: reload it to see the dataset and the saved form
    await dark.reload();
    await dark.getByTestId('dataset-summary').waitFor();
    for (const notice of await light.getByRole('button', { name: 'Dismiss' }).all()) {
      await notice.click();
    }
    await dark.getByLabel('Demo rows').fill('40000');
    await shoot(light, 'screenshot-ready-light', null, '[aria-labelledby="stream-title"]');
    await shoot(dark, 'screenshot-ready-dark', null, '[aria-labelledby="stream-title"]');

    await light.getByRole('button', { name: 'Stream', exact: true }).click();
    for (const page of [light, dark]) {
      await page
        .locator(`[data-testid="chart-temperature-by-borough"][data-series="${BOROUGHS}"]`)
        .waitFor({ timeout: 120_000 });
      await page
        .locator('[data-testid="pipeline-workers"][data-series="worker1,worker2"]')
        .waitFor({ timeout: 60_000 });
    }
    // a few rate points, so the pipeline's lines have a shape
    await light.waitForTimeout(8000);
    const charts = '[aria-labelledby="charts-title"]';
    const workers = '[aria-labelledby="workers-title"]';
    await shoot(light, 'screenshot-streaming-light', charts, workers);
    await shoot(dark, 'screenshot-streaming-dark', charts, workers);
    await engine.handlers.stopStream({});
  } finally {
    await browser.close();
    await server.close();
    await engine.close();
    await broker.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`screenshots failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
