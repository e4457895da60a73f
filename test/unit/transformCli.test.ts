// `parquet-streamer transform` as a user runs it on a demo file: output rows checked against the
// `rows` command's input rows and a hand-written borough table, the per-step table, --json, and
// one-line errors with exit code 1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeDemoDataset } from '../../main/parquet/demoDataset';

const cli = path.resolve(__dirname, '..', '..', 'main', 'cli', 'main.js');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`parquet-streamer ${args.join(' ')} did not finish within 30 s`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const BOROUGH: Record<string, string> = {
  BK: 'Brooklyn',
  K: 'Brooklyn',
  Kings: 'Brooklyn',
  ABX: 'Bronx',
  BX: 'Bronx',
  Bronx: 'Bronx',
  MN: 'Manhattan',
  NY: 'Manhattan',
  Q: 'Queens',
  QN: 'Queens',
  QNS: 'Queens',
  QUEEN: 'Queens',
  Qns: 'Queens',
  R: 'Staten Island',
  Rich: 'Staten Island',
  ST: 'Staten Island',
};

describe('transform command', () => {
  let folder = '';
  let demo = '';
  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'transform-cli-'));
    demo = path.join(folder, 'demo.parquet');
    await writeDemoDataset({ path: demo, rows: 3000, rowGroupRows: 1000 });
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('runs the borough preset over the first rows, across row groups', async () => {
    const input = lines((await run(['rows', demo, '--limit', '1500'])).stdout);
    const { code, stdout, stderr } = await run([
      'transform',
      demo,
      '--transform',
      'nyc-parking-boroughs',
      '--limit',
      '1500',
    ]);
    assert.equal(code, 0, stderr);
    const expected = input
      .filter((row) => Object.hasOwn(BOROUGH, String(row['Violation County Name'])))
      .map((row) => ({
        'Issue Date': row['Issue Date'],
        Temperature: row['W - Temperature'],
        'Violation County': BOROUGH[row['Violation County Name'] as string],
      }));
    assert.equal(input.length, 1500);
    assert.ok(expected.length > 1000 && expected.length < 1500, String(expected.length));
    assert.deepEqual(lines(stdout), expected);
    const dropped = 1500 - expected.length;
    assert.deepEqual(stderr.split('\n').slice(0, 3), [
      'step  type      in   out  dropped  errors  late',
      '   1  select  1500  1500        0       0     0',
      `   2  map     1500  ${String(expected.length).padStart(4)}  ${String(dropped).padStart(7)}       0     0`,
    ]);
  });

  it('--json prints rows, steps and the first row errors', async () => {
    const spec = JSON.stringify({
      steps: [{ type: 'derive', field: 'bad', expr: '`Violation County Name` * 2' }],
    });
    const { code, stdout, stderr } = await run([
      'transform',
      demo,
      '--transform',
      spec,
      '--limit',
      '3',
      '--json',
    ]);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.deepEqual(report.rows, []);
    assert.deepEqual(report.steps, [
      { step: 1, type: 'derive', in: 3, out: 0, dropped: 0, errors: 3, late: 0 },
    ]);
    assert.equal(report.errors.length, 3);
    assert.match(report.errors[0], /^step 1 \(derive\): "\*" needs numbers, got text "/);
  });

  it('a bad spec or an unknown preset is one line and exit code 1', async () => {
    const typo = JSON.stringify({
      steps: [
        { type: 'select', fields: [{ field: 'W - Temperature', as: 'Temperature' }] },
        { type: 'filter', where: { field: 'Temprature', op: 'gt', value: 3 } },
      ],
    });
    const bad = await run(['transform', demo, '--transform', typo]);
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      'error: step 2 (filter): unknown field "Temprature" — did you mean "Temperature"?\n',
    );
    assert.equal(bad.stdout, '');
    const unknown = await run(['transform', demo, '--transform', 'boroughs']);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /^error: unknown transform "boroughs" — name a preset \(nyc-parking-boroughs, [^\n]*\n$/,
    );
  });
});
