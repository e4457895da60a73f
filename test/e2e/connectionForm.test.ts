// "Test connection" in the app, end to end in headless Chromium: the connection form lists the
// test broker's address for a cluster that answers, and shows one line naming the address for
// one that does not. "Use this cluster" then points the next streams at it, and the settings it
// saves hold no password (the dashboard saves none, and says so); a missing password is marked
// beside the Password field from the engine's field, not its text. (The secured variants are
// checked against a SASL_SSL broker in test/integration/securedCluster.test.ts, through the same
// engine command.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openDashboardSession } from '../support/dashboardSession';

test(
  'Test connection lists the brokers, or says in one line what failed',
  { timeout: 180_000 },
  async () => {
    const session = await openDashboardSession('connection');
    try {
      const { page, pageErrors, brokers, appDataDir } = session;
      const password = 'e2e-password-in-clear';
      await page.getByText('Connect to a secured cluster').click();
      await page.getByText('the dashboard does not save passwords').waitFor();
      await page.getByLabel('Username').fill('e2e-user');
      await page.getByLabel('Password').fill(password);
      await page.getByLabel('Security protocol').selectOption('PLAINTEXT');
      assert.equal(await page.getByLabel('Password').count(), 0, 'no password field for PLAINTEXT');
      await page.getByLabel('Bootstrap servers').fill(brokers.join(','));
      await page.getByRole('button', { name: 'Test connection' }).click();
      const result = page.getByTestId('connection-result');
      await result.waitFor({ timeout: 60_000 });
      assert.equal(await result.textContent(), `connected: brokers ${brokers.join(', ')}`);
      await page.getByRole('button', { name: 'Use this cluster' }).click();
      await page.getByText(`the next streams use ${brokers.join(', ')}`).waitFor();
      const files = readdirSync(appDataDir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.join(entry.parentPath, entry.name));
      const settings = path.join(appDataDir, 'settings', 'connection.json');
      assert.ok(files.includes(settings), `${settings} is missing`);
      assert.match(readFileSync(settings, 'utf8'), /"securityProtocol": "PLAINTEXT"/);
      assert.deepEqual(
        files.filter((file) => readFileSync(file).includes(password)),
        [],
      );
      assert.equal(await page.getByRole('button', { name: 'Use the local broker' }).count(), 1);

      await page.getByLabel('Bootstrap servers').fill('127.0.0.1:1');
      assert.equal(await page.getByRole('button', { name: 'Use this cluster' }).count(), 0);
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.locator('.connection-failed').waitFor({ timeout: 60_000 });
      assert.match(
        (await result.textContent()) ?? '',
        /^broker at 127\.0\.0\.1:1 is not reachable — [^\n]+$/,
      );

      // a failure about one field (the engine's InputError.field) is marked beside that field
      await page.getByLabel('Security protocol').selectOption('SASL_SSL');
      await page.getByLabel('Password').fill('');
      await page.getByRole('button', { name: 'Test connection' }).click();
      const passwordError = page.locator('#connection-password-error');
      await passwordError.waitFor({ timeout: 30_000 });
      assert.equal(
        await passwordError.textContent(),
        'connection: the password is missing — type it in the form',
      );
      assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
      assert.equal(await result.count(), 0, 'the result line is not repeated');
      assert.deepEqual(pageErrors, []);
    } finally {
      await session.close();
    }
  },
);
