// "Test connection" in the app, end to end in headless Chromium: the connection form lists the
// test broker's address for a cluster that answers, and shows one line naming the address for
// one that does not. (The secured variants are checked against a SASL_SSL broker in
// test/integration/securedCluster.test.ts, through the same engine command.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDashboardSession } from '../support/dashboardSession';

test(
  'Test connection lists the brokers, or says in one line what failed',
  { timeout: 180_000 },
  async () => {
    const session = await openDashboardSession('connection');
    try {
      const { page, pageErrors, brokers } = session;
      await page.getByText('Connect to a secured cluster').click();
      await page.getByLabel('Security protocol').selectOption('PLAINTEXT');
      assert.equal(await page.getByLabel('Password').count(), 0, 'no password field for PLAINTEXT');
      await page.getByLabel('Bootstrap servers').fill(brokers.join(','));
      await page.getByRole('button', { name: 'Test connection' }).click();
      const result = page.getByTestId('connection-result');
      await result.waitFor({ timeout: 60_000 });
      assert.equal(await result.textContent(), `connected: brokers ${brokers.join(', ')}`);

      await page.getByLabel('Bootstrap servers').fill('127.0.0.1:1');
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.locator('.connection-failed').waitFor({ timeout: 60_000 });
      assert.match(
        (await result.textContent()) ?? '',
        /^broker at 127\.0\.0\.1:1 is not reachable — [^\n]+$/,
      );
      assert.deepEqual(pageErrors, []);
    } finally {
      await session.close();
    }
  },
);
