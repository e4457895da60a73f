// `parquet-streamer run` end to end on the real broker: the whole pipeline, then its check of
// the committed output. A sound pipeline ends exact (exit 0); a transform that behaves
// differently in the workers than in the local computation is caught (exit 1) with the count
// of duplicated rows it causes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { writeDemoDataset } from '../../main/parquet/demoDataset';
import { testBrokers } from '../support/testBroker';

const cli = path.resolve(__dirname, '..', '..', 'main', 'cli', 'main.js');
const ROWS = 3_000;
let dir = '';
let dataset = '';

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ps-run-test-'));
  dataset = path.join(dir, 'parking.parquet');
  await writeDemoDataset({ path: dataset, rows: ROWS, rowGroupRows: 1_000 });
});
after(() => rm(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, 'run', ...args], {
      timeout: 180_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('the borough preset through 2 workers: every kept row once, exit 0', async () => {
  const result = await run([dataset, '--workers', '2', '--brokers', testBrokers().join(',')]);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stdout, new RegExp(`^${ROWS.toLocaleString('en-US')} rows produced, `));
  // every row reaches the borough mapping; the rows out are what the check compared
  assert.match(result.stdout, /\n\s+2\s+map\s+3000\s/);
  assert.match(result.stdout, /0 missing, 0 duplicated, 0 different\n/);
  assert.match(result.stdout, /\nexact: every expected output row, once\n$/);
});

test('a transform that doubles rows only inside workers is caught: 3,000 duplicated, exit 1', async () => {
  const module = path.join(dir, 'doubled-in-workers.cjs');
  await writeFile(
    module,
    `// one copy when run locally, two in a worker process
module.exports = (row) => (process.argv[1].endsWith('workerProcess.js') ? [row, row] : row);
`,
  );
  const result = await run([
    dataset,
    '--workers',
    '1',
    '--transform',
    module,
    '--brokers',
    testBrokers().join(','),
  ]);
  assert.equal(result.code, 1, result.stderr + result.stdout);
  assert.match(result.stdout, /: 0 missing, 3,000 duplicated, 0 different\n/);
  assert.match(result.stdout, /\nNOT exact\n$/);
});
