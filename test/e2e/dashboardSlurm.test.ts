// End to end in headless Chromium, real broker and the local SLURM (scripts/slurm-local.sh): the
// stream form's "Run workers on: SLURM cluster" runs the workers as SLURM tasks, and the worker
// table and slider work as for this machine's workers: 2 tasks at Stream, the slider takes them
// to 3 and then 1 while the stream runs, every row the NYC transform keeps is in the committed
// output exactly once (by source.row, against hand-written borough codes, not the
// transform), the table's committed totals equal that hand count, and closing the app leaves no
// task of the stream in the queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Locator } from 'playwright-core';
import { slurmJobName } from '../../main/cluster/slurm/slurmWorkerPool';
import {
  expectExactBoroughOutput,
  fillDemoStream,
  moveSlider,
  streamStateOf,
} from '../support/boroughStreamCheck';
import { openDashboardSession } from '../support/dashboardSession';
import { ensureSlurm } from '../support/localSlurm';
import { uniqueName } from '../support/testBroker';

const ROWS = 3_000;
/** the tasks' web ports: base + task id */
const WEB_PORT_BASE = 19600;
/** a worker row's id as the SLURM pool names it: <job name>-<array job>_<task> */
const SLURM_TASK_ID = /^ps-[0-9a-f]{10}-\d+_\d+$/;

/** The worker table's rows as [id, state], once they are n, all consuming SLURM tasks. */
async function waitForSlurmWorkers(rows: Locator, n: number, timeout = 120_000) {
  const deadline = Date.now() + timeout;
  let seen: string[][] = [];
  while (Date.now() < deadline) {
    seen = await rows.evaluateAll((trs) =>
      trs.map((tr) => [tr.children[0]?.textContent ?? '', tr.children[4]?.textContent ?? '']),
    );
    const running = seen.filter(([id, state]) => SLURM_TASK_ID.test(id!) && state === 'running');
    if (seen.length === n && running.length === n) return seen;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.fail(`expected ${n} running SLURM workers, the table shows ${JSON.stringify(seen)}`);
}

/** The job ids of a SLURM job name still in the queue. */
function queued(jobName: string): string[] {
  return execFileSync('squeue', ['-h', '-n', jobName, '-o', '%i'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim() !== '');
}

test(
  'workers on SLURM: 2 tasks, the slider takes them to 3 and 1 while streaming, output exact, none left queued',
  { timeout: 420_000 },
  async () => {
    ensureSlurm();
    const session = await openDashboardSession('slurm');
    const inputTopic = uniqueName('e2e-slurm-in');
    const outputTopic = uniqueName('e2e-slurm-out');
    const jobName = slurmJobName(`parquet-streamer.${inputTopic}.${outputTopic}`);
    let closed = false;
    try {
      const { page, pageErrors, brokers } = session;
      // 50 rows/s: 60 s of streaming, longer than submitting and scaling the tasks takes
      await fillDemoStream(page, { rows: ROWS, inputTopic, outputTopic, rate: 50, workers: 2 });
      await page.getByLabel('SLURM cluster').check();
      await page.getByLabel('Web port base').fill(String(WEB_PORT_BASE));

      await page.getByRole('button', { name: 'Stream', exact: true }).click();
      const rows = page.getByTestId('workers-table').locator('tbody tr');
      await waitForSlurmWorkers(rows, 2);
      assert.equal(queued(jobName).length, 2, 'two tasks of the stream in the queue');

      await moveSlider(page, 'ArrowRight', 1);
      await waitForSlurmWorkers(rows, 3);
      assert.equal(await streamStateOf(page), 'running', 'scaled up while streaming');

      await moveSlider(page, 'ArrowLeft', 2);
      await waitForSlurmWorkers(rows, 1);
      assert.equal(await streamStateOf(page), 'running', 'scaled down while streaming');
      assert.equal(queued(jobName).length, 1, 'the cancelled tasks left the queue');

      await page
        .locator('[data-testid="stream-progress"][data-state="done"]')
        .waitFor({ timeout: 180_000 });
      await expectExactBoroughOutput(page, { brokers, inputTopic, outputTopic, rows: ROWS });
      assert.deepEqual(pageErrors, []);

      // closing the app stops the stream's pool, which cancels its tasks and waits for them
      closed = true;
      await session.close();
      assert.deepEqual(queued(jobName), [], 'no task of the stream is left in the queue');
    } finally {
      if (!closed) await session.close();
    }
  },
);
