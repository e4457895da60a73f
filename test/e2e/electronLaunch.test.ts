// The built desktop app launched through Electron (playwright-core's _electron): the window
// opens on the app's page at app://renderer/ (never file://), the preload API is there and
// nothing of Node leaks into the page, a command goes round trip over IPC (a refusal keeping its
// field), eval is blocked by the CSP and window.open is denied; Browse… opens the file the native
// dialog returns and a file dropped on the Dataset panel opens by its path. Where Electron's
// binary cannot run, the test is skipped with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import type { CommandOutcome } from '../../main/api/contract';
import { writeDemoDataset } from '../../main/parquet/demoDataset';
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

/** The DOM calls the drop step makes in the page (these tests compile without the DOM types). */
type PageDom = {
  document: {
    createElement(tag: 'input'): { type: string; id: string };
    body: { append(node: unknown): void };
    getElementById(id: string): { files: ArrayLike<unknown> | null } | null;
    querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null;
  };
  DataTransfer: new () => { items: { add(file: unknown): void } };
  DragEvent: new (type: string, init: object) => unknown;
};

test(
  'the desktop app opens its window with the preload API, its dialog and drag and drop',
  { timeout: 180_000 },
  async (t) => {
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
        (globalThis as unknown as PageGlobal).parquetStreamer?.invoke('scaleWorkers', {
          count: -1,
        }),
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

      // Browse… goes through the native dialog (answered here in the main process): file, then path
      const picked = path.join(appDataDir, 'picked.parquet');
      const dropped = path.join(appDataDir, 'dropped.parquet');
      await writeDemoDataset({ path: picked, rows: 120 });
      await writeDemoDataset({ path: dropped, rows: 70 });
      await app.evaluate(({ dialog }, file) => {
        dialog.showMessageBox = (async () => ({ response: 0, checkboxChecked: false })) as never;
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [file] })) as never;
      }, picked);
      await page.getByRole('button', { name: 'Browse…' }).click();
      const summary = page.getByTestId('dataset-summary');
      await summary.getByText(picked).waitFor({ timeout: 30_000 });
      assert.match((await summary.textContent()) ?? '', /Rows120/);

      // a file dropped on the Dataset panel opens by its local path (webUtils.getPathForFile)
      await page.evaluate(() => {
        const { document } = globalThis as unknown as PageDom;
        const input = document.createElement('input');
        input.type = 'file';
        input.id = 'e2e-drop-source';
        document.body.append(input);
      });
      await page.setInputFiles('#e2e-drop-source', dropped);
      await page.evaluate(() => {
        const { document, DataTransfer, DragEvent } = globalThis as unknown as PageDom;
        const transfer = new DataTransfer();
        const file = document.getElementById('e2e-drop-source')?.files?.[0];
        if (file) transfer.items.add(file);
        const panel = document.querySelector('[aria-labelledby="dataset-title"]');
        panel?.dispatchEvent(
          new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
      });
      await summary.getByText(dropped).waitFor({ timeout: 30_000 });
      assert.match((await summary.textContent()) ?? '', /Rows70/);
    } finally {
      await app.close();
    }
  },
);
