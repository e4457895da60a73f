// One e2e dashboard session: a StreamEngine over the test broker in a temporary app-data folder,
// the dashboard server in-process over it, and headless Chromium on a page that records every page
// and console error. close() tears all of it down, in reverse order.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { StreamEngine, type StreamEngineOptions } from '../../main/api/streamEngine';
import { startDashboardServer, type DashboardServer } from '../../main/server/dashboardServer';
import { builtRendererDir } from '../../main/server/staticFiles';
import { createLogger } from '../../main/shared/logger';
import { testBrokers } from './testBroker';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where e2e tests leave their screenshots. */
export const resultsDir = path.resolve(__dirname, '..', '..', '..', 'test-results');

export interface DashboardSession {
  page: Page;
  /** Page errors and console errors seen so far; a passing test expects none. */
  pageErrors: string[];
  brokers: string[];
  /** the engine's data folder (removed by close) */
  appDataDir: string;
  close(): Promise<void>;
}

export interface DashboardSessionOptions {
  /** the engine's app data folder, kept on close (a restart opens a new session on it) */
  appDataDir?: string;
  /** the OS colour scheme the page sees (default light) */
  colorScheme?: 'light' | 'dark';
  /** added to the engine's options (a home folder for the file browser, say) */
  engine?: Partial<StreamEngineOptions>;
}

/** Opens the dashboard in Chromium and waits until it shows the broker; `name` labels the temp folder. */
export async function openDashboardSession(
  name: string,
  options: DashboardSessionOptions = {},
): Promise<DashboardSession> {
  const staticDir = builtRendererDir();
  assert.ok(
    existsSync(path.join(staticDir, 'index.html')),
    `${staticDir}/index.html is missing: run \`npm run build\` first`,
  );
  const appDataDir = options.appDataDir ?? (await mkdtemp(path.join(tmpdir(), `ps-e2e-${name}-`)));
  const logger = createLogger('e2e');
  const brokers = testBrokers();
  const engine = new StreamEngine({ appDataDir, brokers, logger, ...options.engine });
  let server: DashboardServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await engine.close();
    if (!options.appDataDir) await rm(appDataDir, { recursive: true, force: true });
  };
  try {
    server = await startDashboardServer({ host: engine, port: 0, staticDir, logger });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
      acceptDownloads: true,
      colorScheme: options.colorScheme ?? 'light',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console error: ${message.text()}`);
    });
    await page.goto(server.url);
    await page.getByText('Broker: external cluster').waitFor();
    return { page, pageErrors, brokers, appDataDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}
