// `parquet-streamer inspect` and `rows` as a user runs them: output, flags, one-line errors with
// exit code 2, and a reader that closes the pipe early (`| head`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeDemoDataset } from '../../main/parquet/demoDataset';
import { CORPUS_DIR } from '../support/parquetCorpus';

const cli = path.resolve(__dirname, '..', '..', 'main', 'cli', 'main.js');
const corpus = CORPUS_DIR;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { closeAfterBytes?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`parquet-streamer ${args.join(' ')} did not finish within 30 s`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (options.closeAfterBytes !== undefined && stdout.length >= options.closeAfterBytes)
        child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('inspect and rows commands', () => {
  let folder = '';
  let demo = '';
  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'parquet-cli-'));
    demo = path.join(folder, 'demo.parquet');
    await writeDemoDataset({ path: demo, rows: 50000, rowGroupRows: 10000 });
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('inspect --json describes schema, rows, row groups, compression and size', async () => {
    const { code, stdout, stderr } = await run(['inspect', demo, '--json']);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.equal(report.rows, 50000);
    assert.equal(report.rowGroups, 5);
    assert.equal(report.compression, 'SNAPPY');
    assert.ok(report.sizeBytes > 0);
    assert.deepEqual(report.fields[3], {
      name: 'Issue Date',
      type: 'Timestamp<MILLISECOND>',
      nullable: false,
    });
  });

  it('inspect prints a readable report', async () => {
    const { code, stdout } = await run([
      'inspect',
      path.join(corpus, 'good', 'fixed_length_decimal.parquet'),
    ]);
    assert.equal(code, 0);
    assert.match(stdout, /rows +24\n/);
    assert.match(stdout, /value +Decimal\(25, 2\) +yes\n/);
  });

  it('rows prints JSON Lines with --offset, --limit and --timestamps', async () => {
    const { code, stdout } = await run([
      'rows',
      demo,
      '--offset',
      '9999',
      '--limit',
      '3',
      '--timestamps',
      'epoch-ms',
    ]);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    const rows = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(rows.every((row) => typeof row['Issue Date'] === 'number'));
    const all = (await run(['rows', demo, '--limit', '10002'])).stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line)['Summons Number']),
      all.slice(9999).map((line) => JSON.parse(line)['Summons Number']),
    );
  });

  it('a reader that stops early ends the command quietly', async () => {
    const { code, stderr, stdout } = await run(['rows', demo], { closeAfterBytes: 1000 });
    assert.equal(code, 0);
    assert.equal(stderr, '');
    assert.ok(stdout.length >= 1000);
  });

  it('bad input gives one line on stderr and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['rows', path.join(corpus, 'bad', 'ARROW-GH-41321.parquet')],
        /ARROW-GH-41321\.parquet: the Parquet decoder aborted/,
      ],
      [
        ['rows', path.join(corpus, 'bad', 'PARQUET-1481.parquet')],
        /PARQUET-1481\.parquet: cannot be decoded/,
      ],
      [
        ['inspect', path.join(folder, 'missing.parquet')],
        /missing\.parquet: no such file or folder/,
      ],
      [['rows', demo, '--limit', 'ten'], /--limit takes a whole number/],
    ];
    for (const [args, pattern] of cases) {
      const { code, stderr } = await run(args);
      assert.equal(code, 2, args.join(' '));
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0], /^error: /);
      assert.match(lines[0], pattern);
    }
  });
});
