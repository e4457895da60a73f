// End to end in headless Chromium: what the app remembers and how it is reached. The dataset,
// the stream form and the worker slider survive a reload of the page and a restart of the
// dashboard (a new engine on the same app data folder, as the next launch would be); every
// control has a label and none is kept out of the keyboard's reach; with the OS set to dark the
// page and Plotly's charts are dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { AppSettings } from '../../main/api/contract';
import { openDashboardSession } from '../support/dashboardSession';

/** The form as the page shows it now. */
async function formValues(page: Page) {
  return {
    inputTopic: await page.getByLabel('Input topic').inputValue(),
    outputTopic: await page.getByLabel('Output topic').inputValue(),
    partitions: await page.getByLabel('Partitions').inputValue(),
    rate: await page.getByLabel('Rate (rows/s)').inputValue(),
    workers: await page.getByLabel('Worker processes').inputValue(),
    preset: await page.getByLabel('Preset').inputValue(),
    dataset: (await page.getByTestId('dataset-summary').textContent()) ?? '',
  };
}

/** Controls without an accessible name, and controls taken out of the tab order. */
async function unreachableControls(page: Page): Promise<string[]> {
  // runs in the page (a string: the tests compile without the DOM's types)
  return page.evaluate<string[]>(`(() => {
    const problems = [];
    const controls = document.querySelectorAll(
      'main input, main select, main textarea, main button, header button, summary',
    );
    for (const control of controls) {
      if (control.closest('.modebar')) continue; // Plotly's own mode bar
      const describe = control.tagName.toLowerCase() + '#' + (control.id || '?');
      const labelled =
        (control.labels ? control.labels.length : 0) > 0 ||
        control.getAttribute('aria-label') ||
        control.getAttribute('aria-labelledby') ||
        (control.tagName !== 'INPUT' && control.textContent.trim() !== '');
      if (!labelled) problems.push(describe + ' has no label');
      if (control.tabIndex < 0) problems.push(describe + ' is not reachable by Tab');
    }
    return problems;
  })()`);
}

/** Waits until the engine's settings file says what `done` looks for. */
async function settingsSaved(appDataDir: string, done: (saved: AppSettings) => boolean) {
  const file = path.join(appDataDir, 'settings.json');
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const text = await readFile(file, 'utf8').catch(() => '{}');
    if (done(JSON.parse(text) as AppSettings)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${file} never held the settings: ${await readFile(file, 'utf8').catch(() => '')}`);
}

test(
  'settings survive a reload and a restart; every control is labelled and reachable; dark follows the OS',
  { timeout: 240_000 },
  async () => {
    const appDataDir = await mkdtemp(path.join(tmpdir(), 'ps-e2e-settings-'));
    try {
      const first = await openDashboardSession('settings', { appDataDir, colorScheme: 'dark' });
      let expected: Awaited<ReturnType<typeof formValues>>;
      try {
        const { page, pageErrors } = first;
        await page.getByLabel('Demo rows').fill('2000');
        await page.getByRole('button', { name: 'Generate demo data' }).click();
        await page.getByTestId('dataset-summary').waitFor({ timeout: 120_000 });

        await page.getByLabel('Input topic').fill('remembered-in');
        await page.getByLabel('Output topic').fill('remembered-out');
        await page.getByLabel('Partitions').fill('6');
        await page.getByLabel('Rate (rows/s)').fill('1234');
        // the slider from the keyboard: 2 → 3
        await page.getByLabel('Worker processes').focus();
        await page.keyboard.press('ArrowRight');
        // the Processing step's transform is a setting too
        await page.getByLabel('Preset').selectOption('nyc-parking-temperature-10m');
        expected = await formValues(page);
        assert.equal(expected.workers, '3');
        assert.equal(expected.preset, 'nyc-parking-temperature-10m');
        assert.match(expected.dataset, /2,000/);
        // "3 workers, 6 partitions" needs no offer; 7 workers would
        assert.equal(await page.getByTestId('partition-offer').count(), 0);

        assert.deepEqual(await unreachableControls(page), []);

        // dark: the page's background and Plotly's paper are dark
        const pageBackground = await page.evaluate<string>(
          'getComputedStyle(document.documentElement).backgroundColor',
        );
        assert.equal(pageBackground, 'rgb(20, 23, 28)');
        const paper = await page
          .getByTestId('pipeline-throughput')
          .locator('svg.main-svg')
          .first()
          .getAttribute('style');
        assert.match(paper ?? '', /background: rgb\(29, 33, 40\)/);

        // the saves settle (the form and the slider each wait for typing to stop)
        await settingsSaved(appDataDir, (saved) =>
          Boolean(
            saved.workers === 3 &&
            saved.stream?.ratePerSecond === 1234 &&
            saved.transform === 'nyc-parking-temperature-10m',
          ),
        );
        await page.reload();
        await page.getByTestId('dataset-summary').waitFor();
        assert.deepEqual(await formValues(page), expected, 'the same after a reload');
        assert.deepEqual(pageErrors, []);
      } finally {
        await first.close();
      }

      const second = await openDashboardSession('settings', { appDataDir });
      try {
        const { page, pageErrors } = second;
        await page.getByTestId('dataset-summary').waitFor();
        assert.deepEqual(await formValues(page), expected, 'the same after a restart');
        // light again: this session's OS is light
        const paper = await page
          .getByTestId('pipeline-throughput')
          .locator('svg.main-svg')
          .first()
          .getAttribute('style');
        assert.match(paper ?? '', /background: rgb\(255, 255, 255\)/);
        // more workers than partitions: the form offers to add partitions
        await page.getByLabel('Worker processes').focus();
        for (let i = 0; i < 4; i += 1) await page.keyboard.press('ArrowRight');
        await page.getByRole('button', { name: 'Add partitions: use 7' }).click();
        assert.equal(await page.getByLabel('Partitions').inputValue(), '7');
        assert.equal(await page.getByTestId('partition-offer').count(), 0);
        assert.deepEqual(pageErrors, []);
      } finally {
        await second.close();
      }
    } finally {
      await rm(appDataDir, { recursive: true, force: true });
    }
  },
);
