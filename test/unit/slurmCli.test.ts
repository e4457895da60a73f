// The SLURM commands' and the worker token's mistakes, as a user meets them: one line
// `error: …` naming the flag, exit 2 for a wrong command and 1 when SLURM is not there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const cli = path.resolve(__dirname, '..', '..', 'main', 'cli', 'main.js');

function assertOneLine(args: string[], code: number, line: string, env = process.env): void {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
  assert.equal(result.stderr, `${line}\n`, args.join(' '));
  assert.equal(result.status, code, args.join(' '));
}

test('cluster slurm mistakes are one line naming the flag', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ps-slurm-cli-'));
  const submit = [
    'cluster',
    'slurm',
    'submit',
    '--workers',
    '2',
    '--input',
    'in',
    '--output',
    'out',
  ];
  try {
    assertOneLine(
      ['cluster', 'slurm', 'status', '--job-dir', dir],
      2,
      `error: --job-dir: ${dir} holds no SLURM deployment — submit one with \`cluster slurm submit\` or name its --job-dir`,
    );
    assertOneLine(
      [...submit, '--job-dir', dir, '--data-dir-pattern', '/scratch/ps'],
      2,
      `error: --data-dir-pattern: "/scratch/ps" has no %a — each task needs its own data dir, e.g. '/scratch/$USER/ps-%a'`,
    );
    assertOneLine(
      [...submit, '--job-dir', dir, '--time', 'soon'],
      2,
      'error: --time: "soon" is not a SLURM time limit — use minutes, hh:mm:ss or d-hh:mm:ss',
    );
    assertOneLine(
      [...submit, '--job-dir', dir],
      1,
      "error: squeue is not installed here — run on a SLURM login node, or install SLURM's client tools (Debian: apt-get install slurm-client)",
      { ...process.env, PATH: path.join(dir, 'no-tools') },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cluster slurm broker mistakes are one line naming the flag', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ps-slurm-cli-'));
  const start = ['cluster', 'slurm', 'broker', 'start', '--job-dir', dir];
  try {
    assertOneLine(
      ['cluster', 'slurm', 'broker', 'status', '--job-dir', dir],
      2,
      `error: --job-dir: ${dir} holds no SLURM broker job — start one with \`cluster slurm broker start\` or name its --job-dir`,
    );
    assertOneLine(
      start,
      2,
      "error: required option '--log-dir <dir>' not specified (add --help for usage)",
    );
    assertOneLine(
      [...start, '--log-dir', '/scratch/$(id)/kafka'],
      2,
      'error: --log-dir: "/scratch/$(id)/kafka" may hold letters, digits, / . _ - + ~ and $VARIABLES only',
    );
    assertOneLine(
      [...start, '--log-dir', '/scratch/kafka', '--listen-host', 'every where'],
      2,
      'error: --listen-host takes a host name or IP address (got "every where")',
    );
    assertOneLine(
      [...start, '--log-dir', '/scratch/kafka', '--port', '9092', '--controller-port', '9092'],
      2,
      'error: --controller-port: 9092 is also the client --port — give it a port of its own',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker web port beyond loopback without a token is refused in one line', () => {
  const worker = ['worker', '--brokers', '127.0.0.1:1', '--group', 'g', '--input', 'i'];
  assertOneLine(
    [...worker, '--output', 'o', '--data-dir', 'w', '--web-port', '0', '--web-host', '0.0.0.0'],
    2,
    'error: --web-host: 0.0.0.0 opens the web port to other hosts — give a token with --web-token-file or PS_WORKER_WEB_TOKEN',
    { ...process.env, PS_WORKER_WEB_TOKEN: '' },
  );
});
