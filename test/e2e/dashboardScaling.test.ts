// End to end in headless Chromium, real broker and workers: what the page says at each moment of
// a stream, and the slider while it runs. After Stream the state reads "starting: creating
// topics…, starting 1 worker…"; paused shows paused with no rate or ETA; the slider takes the
// pool 1 → 3 → 1 and the worker table and the per-worker rate chart follow; and nothing is
// lost or doubled: every input row the NYC transform keeps is in the committed output exactly
// once, by its source.row header, and the committed totals agree (test/support/boroughStreamCheck:
// expected rows from the input topic and hand-written borough codes, not from the transform).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  expectExactBoroughOutput,
  fillDemoStream,
  moveSlider,
  streamStateOf,
} from '../support/boroughStreamCheck';
import { openDashboardSession } from '../support/dashboardSession';
import { uniqueName } from '../support/testBroker';

const ROWS = 20_000;

async function waitForState(page: Page, state: string, timeout = 60_000): Promise<void> {
  await page.locator(`[data-testid="stream-progress"][data-state="${state}"]`).waitFor({ timeout });
}

test(
  'the slider scales 1 → 3 → 1 while streaming, the page says what happens, nothing is lost',
  { timeout: 420_000 },
  async () => {
    const session = await openDashboardSession('scaling');
    const inputTopic = uniqueName('e2e-scale-in');
    const outputTopic = uniqueName('e2e-scale-out');
    try {
      const { page, pageErrors, brokers } = session;
      // 800 rows/s: 25 s of streaming, longer than the steps below take
      await fillDemoStream(page, { rows: ROWS, inputTopic, outputTopic, rate: 800, workers: 1 });

      await page.getByRole('button', { name: 'Stream', exact: true }).click();
      await page
        .getByTestId('stream-progress')
        .getByText('starting: creating topics…, starting 1 worker…')
        .waitFor({ timeout: 30_000 });
      await waitForState(page, 'running');

      const workerRows = page.getByTestId('workers-table').locator('tbody tr');
      const perWorker = (names: string) =>
        page.locator(`[data-testid="pipeline-workers"][data-series="${names}"]`);
      await perWorker('worker1').waitFor();
      assert.equal(await workerRows.count(), 1);

      await page.getByRole('button', { name: 'Pause' }).click();
      await waitForState(page, 'paused');
      const head = page.getByTestId('stream-progress').locator('.progress-head');
      await head.getByText('paused: no rows are sent until Resume').waitFor();
      const pausedText = (await head.textContent()) ?? '';
      assert.doesNotMatch(pausedText, /rows\/s|ETA/, 'no stale rate or ETA while paused');
      await page.getByRole('button', { name: 'Resume' }).click();
      await waitForState(page, 'running');

      await moveSlider(page, 'ArrowRight', 2);
      await perWorker('worker1,worker2,worker3').waitFor({ timeout: 90_000 });
      assert.equal(await workerRows.count(), 3);
      // the table's rate column fills for a running worker
      await page
        .getByTestId('workers-table')
        .locator('td[data-column="rate"]')
        .filter({ hasText: /^\d/ })
        .first()
        .waitFor();
      assert.equal(await streamStateOf(page), 'running', 'scaled up while streaming');

      await moveSlider(page, 'ArrowLeft', 2);
      await perWorker('worker1').waitFor({ timeout: 90_000 });
      assert.equal(await workerRows.count(), 1);

      await waitForState(page, 'done', 180_000);
      await expectExactBoroughOutput(page, { brokers, inputTopic, outputTopic, rows: ROWS });
      assert.deepEqual(pageErrors, []);
    } finally {
      await session.close();
    }
  },
);
