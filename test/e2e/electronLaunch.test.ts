// The built desktop app launched through Electron (playwright-core's _electron): the window
// opens on the app's page at app://renderer/ (never file://), the preload API is there and
// nothing of Node leaks into the page, a command goes round trip over IPC, eval is blocked by the
// CSP and window.open is denied. Where Electron's binary cannot run, the test is skipped with the
// reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import type { CommandOutcome } from '../../main/api/contract';
import { testBrokers } from '../support/testBroker';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const load = createRequire(__filename);
const { electronBinary } = load(path.join(repoRoot, 'scripts', 'electronBinary.js')) as {
  electronBinary(root: string): { binary?: string; reason?: string };
};

/** The page's global object, as far as this test looks at it. */
type PageGlobal = {
  parquetStreamer?: Record<string, unknown> & {
    invoke(command: string, args: unknown): Promise<CommandOutcome<'getSnapshot'>>;
  };
  require?: unknown;
  process?: unknown;
};

test('the desktop app opens its window with the preload API', { timeout: 180_000 }, async (t) => {
  const found = electronBinary(repoRoot);
  if (!found.binary) {
    t.skip(`Electron binary not installed: ${found.reason}`);
    return;
  }
  const appDataDir = await mkdtemp(path.join(tmpdir(), 'ps-e2e-electron-'));
  t.after(() => rm(appDataDir, { recursive: true, force: true }));
  const app = await electron.launch({
    executablePath: found.binary,
    args: [repoRoot],
    cwd: repoRoot,
    env: { ...process.env, PS_DATA_DIR: appDataDir, PS_BROKERS: testBrokers().join(',') },
    timeout: 60_000,
  });
  try {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    assert.equal(await page.title(), 'Parquet Streamer');
    assert.equal(page.url(), 'app://renderer/index.html');

    const exposed = await page.evaluate(() => {
      const scope = globalThis as unknown as PageGlobal;
      return {
        methods: Object.keys(scope.parquetStreamer ?? {}).sort(),
        require: typeof scope.require,
        process: typeof scope.process,
      };
    });
    assert.deepEqual(
      exposed.methods,
      ['invoke', 'on', 'onMenuOpenDataset', 'pathForFile'],
      'exactly the engine bridge plus the menu hook and the dropped-file path',
    );
    assert.equal(exposed.require, 'undefined');
    assert.equal(exposed.process, 'undefined');

    const outcome = await page.evaluate(() =>
      (globalThis as unknown as PageGlobal).parquetStreamer?.invoke('getSnapshot', {}),
    );
    const snapshot = outcome?.ok ? outcome.value : undefined;
    // a refused command keeps its field across the context bridge
    const refused = await page.evaluate(() =>
      (globalThis as unknown as PageGlobal).parquetStreamer?.invoke('scaleWorkers', { count: -1 }),
    );
    assert.equal(refused && !refused.ok ? refused.field?.name : undefined, 'count');
    assert.equal(snapshot?.nativeDialogs, true);
    assert.equal(snapshot?.broker.state, 'external');
    await page.getByText('Broker: external cluster').waitFor({ timeout: 30_000 });
    assert.ok(await page.getByRole('button', { name: 'Browse…' }).isVisible());

    // the CSP forbids eval and the main process denies new windows
    const locked = await page.evaluate(() => {
      let evalResult = 'allowed';
      try {
        (0, eval)('1');
      } catch {
        evalResult = 'blocked';
      }
      const opened = (globalThis as unknown as { open(url: string): unknown }).open(
        'https://example.com/',
      );
      return { evalResult, windowOpened: opened !== null };
    });
    assert.deepEqual(locked, { evalResult: 'blocked', windowOpened: false });
    assert.equal(app.windows().length, 1);
  } finally {
    await app.close();
  }
});
