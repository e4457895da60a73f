// The worker's flags: parsed the same for the CLI and the child process, with one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { InputError } from '../../main/shared/errors';
import {
  addWorkerOptions,
  workerArguments,
  workerOptionsFrom,
  WEB_TOKEN_ENV,
} from '../../main/worker/workerOptions';

function parse(args: string[], env: NodeJS.ProcessEnv = {}) {
  const command = addWorkerOptions(new Command('worker')).exitOverride();
  command.parse(args, { from: 'user' });
  return workerOptionsFrom(command.opts(), env);
}

const required = [
  '--brokers',
  '127.0.0.1:9092',
  '--group',
  'app',
  '--input',
  'in',
  '--output',
  'out',
];

test('parses the Faust-like flags with defaults', () => {
  const options = parse([...required, '--data-dir', './worker1', '--web-port', '6066']);
  assert.deepEqual(options, {
    brokers: ['127.0.0.1:9092'],
    group: 'app',
    inputTopic: 'in',
    outputTopic: 'out',
    dataDir: path.resolve('worker1'),
    webPort: 6066,
    webHost: '127.0.0.1',
    webToken: null,
    logLevel: 'info',
    workerId: `${os.hostname()}-worker1`.replace(/[^a-zA-Z0-9._-]/g, '_'),
    sessionTimeoutMs: 10_000,
    reconnectTimeoutMs: null,
    transform: 'nyc-parking-boroughs',
  });
});

test('workerArguments round-trips through the parser (the token travels in the environment)', () => {
  const env = { [WEB_TOKEN_ENV]: 'a-token-of-sixteen-or-more' };
  const options = parse(
    [
      ...required,
      '--data-dir',
      '/tmp/w2',
      '--web-port',
      '6067',
      '--web-host',
      '0.0.0.0',
      '-l',
      'debug',
      '--worker-id',
      'worker2',
      '--session-timeout',
      '6000',
      '--reconnect-timeout',
      '90',
      '--transform',
      '{"steps":[{"type":"select","fields":["a"]}]}',
    ],
    env,
  );
  assert.equal(options.webToken, 'a-token-of-sixteen-or-more');
  assert.ok(!workerArguments(options).some((arg) => arg.includes('a-token')));
  assert.equal(options.logLevel, 'debug');
  assert.equal(options.transform, '{"steps":[{"type":"select","fields":["a"]}]}');
  assert.equal(options.workerId, 'worker2');
  assert.equal(options.reconnectTimeoutMs, 90_000);
  assert.deepEqual(parse(workerArguments(options), env), options);
});

test('a web port open to other hosts needs a token, read from a file only its owner reads', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-token-'));
  const file = path.join(dir, 'token');
  const open = [...required, '--data-dir', 'd', '--web-port', '1', '--web-host', '0.0.0.0'];
  try {
    assert.throws(
      () => parse(open),
      /^InputError: --web-host: 0\.0\.0\.0 opens the web port to other hosts — give a token/,
    );
    writeFileSync(file, 'secret-token-0123456789\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    assert.throws(
      () => parse([...open, '--web-token-file', file]),
      /--web-token-file: .* is readable by others — chmod 600 it/,
    );
    chmodSync(file, 0o600);
    assert.equal(parse([...open, '--web-token-file', file]).webToken, 'secret-token-0123456789');
    assert.throws(
      () => parse([...open, '--web-token-file', path.join(dir, 'none')]),
      /--web-token-file: cannot read/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad value is a one-line InputError naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [[...required, '--data-dir', 'd', '--web-port', 'http'], /^--web-port: must be a port number/],
    [[...required, '--data-dir', 'd', '--web-port', '70000'], /^--web-port: /],
    [
      [
        '--brokers',
        'localhost',
        '--group',
        'g',
        '--input',
        'i',
        '--output',
        'o',
        '--data-dir',
        'd',
        '--web-port',
        '1',
      ],
      /^--brokers: "localhost" is not host:port/,
    ],
    [
      [
        '--brokers',
        'h:1',
        '--group',
        'g',
        '--input',
        'bad topic',
        '--output',
        'o',
        '--data-dir',
        'd',
        '--web-port',
        '1',
      ],
      /^--input: /,
    ],
    [[...required, '--data-dir', 'd', '--web-port', '1', '--worker-id', 'a b'], /^--worker-id: /],
    [
      [...required, '--data-dir', 'd', '--web-port', '1', '--session-timeout', '10'],
      /^--session-timeout: /,
    ],
    [
      [...required, '--data-dir', 'd', '--web-port', '1', '--reconnect-timeout', '0'],
      /^--reconnect-timeout: must be seconds/,
    ],
    [
      [...required, '--data-dir', 'd', '--web-port', '1', '--reconnect-timeout', 'soon'],
      /^--reconnect-timeout: must be seconds/,
    ],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => parse(args),
      (error: unknown) =>
        error instanceof InputError && message.test(error.message) && !error.message.includes('\n'),
      args.join(' '),
    );
  }
});
