// What the page tests of a scaled stream share: the demo stream's form, moving the worker slider,
// and the end check —
// every input row the NYC transform keeps is in the committed output exactly once (by its
// source.row header) and the worker table's committed totals say the same. The expected rows
// come from the input topic and the borough codes written out here, not from the transform.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { readCommitted } from '../../main/broker/committedTopicReader';

/** the county codes the Python pipeline mapped to a borough; every other row is dropped */
const BOROUGH_CODES = new Set(
  'BK K Kings ABX BX Bronx MN NY Q QN QNS QUEEN Qns R Rich ST'.split(' '),
);

/** Generates `rows` demo rows and fills the stream form: topics, rate and the slider at `workers`. */
export async function fillDemoStream(
  page: Page,
  form: { rows: number; inputTopic: string; outputTopic: string; rate: number; workers: number },
): Promise<void> {
  await page.getByLabel('Demo rows').fill(String(form.rows));
  await page.getByRole('button', { name: 'Generate demo data' }).click();
  await page.getByTestId('dataset-summary').waitFor({ timeout: 120_000 });
  await page.getByLabel('Input topic').fill(form.inputTopic);
  await page.getByLabel('Output topic').fill(form.outputTopic);
  await page.getByLabel('Rate (rows/s)').fill(String(form.rate));
  await page.getByLabel('Worker processes').focus();
  await page.keyboard.press('Home');
  await moveSlider(page, 'ArrowRight', form.workers);
  assert.equal(await page.getByLabel('Worker processes').inputValue(), String(form.workers));
}

export async function moveSlider(page: Page, key: 'ArrowRight' | 'ArrowLeft', times: number) {
  await page.getByLabel('Worker processes').focus();
  for (let i = 0; i < times; i += 1) await page.keyboard.press(key);
}

export async function streamStateOf(page: Page): Promise<string | null> {
  return page.getByTestId('stream-progress').getAttribute('data-state');
}

/** source.row of every committed message of a topic, and the county of each (input rows). */
async function sourceRows(brokers: string[], topic: string) {
  const rows: { row: number; county: unknown }[] = [];
  await readCommitted(brokers, topic, (_partition, message) => {
    const row = Number(message.headers?.['source.row']?.toString());
    const value = JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>;
    rows.push({ row, county: value['Violation County Name'] });
  });
  return rows;
}

/**
 * After the producer is done: the output holds each kept input row once (waiting up to two
 * minutes for the workers' last rows) and the page's committed totals equal that hand count.
 */
export async function expectExactBoroughOutput(
  page: Page,
  stream: { brokers: string[]; inputTopic: string; outputTopic: string; rows: number },
): Promise<void> {
  const { brokers, inputTopic, outputTopic, rows } = stream;
  const input = await sourceRows(brokers, inputTopic);
  assert.equal(input.length, rows, 'every row was produced');
  const expected = input
    .filter(({ county }) => typeof county === 'string' && BOROUGH_CODES.has(county))
    .map(({ row }) => row)
    .sort((a, b) => a - b);
  assert.ok(expected.length > 0 && expected.length < rows, 'the transform drops some rows');

  let output: number[] = [];
  for (let attempt = 0; attempt < 60 && output.length < expected.length; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2000));
    output = (await sourceRows(brokers, outputTopic)).map(({ row }) => row);
  }
  output.sort((a, b) => a - b);
  assert.equal(output.length, expected.length, 'no row lost or doubled');
  assert.deepEqual(output, expected);
  // the group's committed totals agree with the output, whichever workers came and went
  const count = (n: number) => n.toLocaleString('en-US');
  const totals = page.getByTestId('workers-committed');
  const line =
    `Committed by the group: ${count(rows)} rows in · ${count(expected.length)} out · ` +
    `${count(rows - expected.length)} dropped`;
  try {
    await totals.getByText(line).waitFor({ timeout: 30_000 });
  } catch {
    const shown = (await totals.count()) > 0 ? await totals.textContent() : 'no totals line';
    assert.fail(`expected "${line}", the worker table shows "${shown}"`);
  }
}
