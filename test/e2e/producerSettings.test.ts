// End to end in headless Chromium: the stream form's producer settings reach the producer. Open
// demo data, open "Producer settings" from the keyboard, see an invalid limit reported beside the
// Limit field, then stream with key column "Summons Number", the modulo partitioner and limit
// 500; the input topic then holds exactly those 500 rows, each keyed by its Summons Number on
// partition key % partitions. A text key with modulo then fails beside the Partitioner field.
// Any page error or console error fails it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../../main/broker/kafkaClient';
import { openDashboardSession, resultsDir } from '../support/dashboardSession';
import { uniqueName } from '../support/testBroker';
import { readTopicToEnd } from '../support/topicReader';

const PARTITIONS = 4;
const LIMIT = 500;

interface Received {
  partition: number;
  key: string | null;
  summons: unknown;
  row: string | undefined;
}

/** Every message of `topic`, with the fields the test checks. */
async function readTopic(kafka: Kafka, topic: string): Promise<Received[]> {
  const messages = await readTopicToEnd(kafka, topic, {
    readerName: 'e2e-producer-settings-reader',
    timeoutMs: 60_000,
  });
  return messages.map(({ partition, message }) => {
    const value = JSON.parse(message.value?.toString('utf8') ?? 'null') as Record<string, unknown>;
    return {
      partition,
      key: message.key?.toString('utf8') ?? null,
      summons: value['Summons Number'],
      row: message.headers?.['source.row']?.toString(),
    };
  });
}

test(
  'producer settings from the form: key column, modulo partitioner and limit reach the topic',
  { timeout: 240_000 },
  async () => {
    const session = await openDashboardSession('producer-settings');
    const inputTopic = uniqueName('e2e-keyed');
    try {
      const { page, pageErrors, brokers } = session;

      await page.getByLabel('Demo rows').fill('5000');
      await page.getByRole('button', { name: 'Generate demo data' }).click();
      await page.getByTestId('dataset-summary').waitFor({ timeout: 120_000 });

      await page.getByLabel('Input topic').fill(inputTopic);
      await page.getByLabel('Output topic').fill(uniqueName('e2e-keyed-out'));
      await page.getByLabel('Partitions').fill(String(PARTITIONS));
      await page.getByLabel('Worker processes').focus();
      await page.keyboard.press('Home'); // the slider, from the keyboard: no workers

      // closed by default, opened from the keyboard
      const settings = page.locator('details.producer-settings');
      assert.equal(await settings.getAttribute('open'), null);
      await settings.locator('summary').focus();
      await page.keyboard.press('Enter');
      await page.getByLabel('Key column').waitFor({ state: 'visible' });

      const keyOptions = await page.getByLabel('Key column').locator('option').allTextContents();
      assert.equal(keyOptions[0], '(row index)');
      assert.ok(keyOptions.includes('Summons Number'), keyOptions.join(', '));
      assert.deepEqual(
        await page.getByLabel('Timestamp column').locator('option').allTextContents(),
        ['Issue Date'],
        'replay offers only timestamp and date columns',
      );

      await page.getByLabel('Key column').selectOption('Summons Number');
      assert.equal(await page.locator('#stream-keyColumn-hint').textContent(), 'type Int64');
      await page.getByLabel('Partitioner').selectOption('modulo');

      // an invalid limit is reported beside the Limit field and nothing is streamed
      const limit = page.getByLabel('Limit (max rows)');
      await limit.fill('0');
      await limit.press('Enter');
      const limitField = page.locator('.field-invalid', { has: limit });
      await limitField.locator('.field-error').waitFor();
      assert.equal(await page.locator('.field-invalid').count(), 1);
      assert.equal(await page.getByTestId('stream-progress').getAttribute('data-state'), 'idle');

      await limit.fill(String(LIMIT));
      assert.match(
        (await settings.locator('.settings-summary').textContent()) ?? '',
        /key Summons Number · modulo · limit 500/,
      );
      await mkdir(resultsDir, { recursive: true });
      await page
        .getByRole('region', { name: 'Stream', exact: true })
        .screenshot({ path: path.join(resultsDir, 'producer-settings.png') });

      await limit.press('Enter');
      const progress = page.getByTestId('stream-progress');
      await progress
        .and(page.locator('[data-state="done"],[data-state="failed"]'))
        .waitFor({ timeout: 120_000 });
      assert.equal(
        await progress.getAttribute('data-state'),
        'done',
        (await progress.textContent()) ?? '',
      );
      assert.match((await progress.textContent()) ?? '', /500 \/ 500 rows acked/);

      const kafka = createKafka({ brokers, clientId: 'e2e-producer-settings' });
      const messages = await readTopic(kafka, inputTopic);
      assert.equal(messages.length, LIMIT);
      for (const message of messages) {
        assert.equal(message.key, String(message.summons), 'the key is the Summons Number');
        assert.equal(message.partition, Number(message.key) % PARTITIONS);
      }
      const rows = messages.map((message) => Number(message.row)).sort((a, b) => a - b);
      assert.deepEqual(
        rows,
        Array.from({ length: LIMIT }, (_, row) => row),
        'the first 500 rows, once each',
      );

      // a stream the producer rejects shows why beside the setting that caused it
      await page.getByLabel('Input topic').fill(uniqueName('e2e-keyed-text'));
      await page.getByLabel('Key column').selectOption('Plate ID');
      await limit.press('Enter');
      const partitionerField = page.locator('.field-invalid', {
        has: page.getByLabel('Partitioner'),
      });
      await partitionerField.waitFor({ timeout: 60_000 });
      assert.match(
        (await partitionerField.locator('.field-error').textContent()) ?? '',
        /modulo needs whole-number keys/,
      );
      assert.equal(await progress.getAttribute('data-state'), 'failed');
      assert.deepEqual(pageErrors, []);
    } finally {
      await session.close();
    }
  },
);
