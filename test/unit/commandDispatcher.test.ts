// dispatchCommand: unknown names, schema validation, user errors as one line, bugs logged with
// their stack, and values passed through untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatchCommand } from '../../main/api/commandDispatcher';
import {
  commandNames,
  type CommandHandlers,
  type EngineHost,
  type StreamProgress,
} from '../../main/api/contract';
import { InputError } from '../../main/shared/errors';
import { createLogger } from '../../main/shared/logger';

const idle: StreamProgress = {
  state: 'idle',
  inputTopic: null,
  outputTopic: null,
  rowsTotal: 0,
  rowsAcked: 0,
  rowsPerSecond: 0,
  etaSeconds: null,
};

/** A host whose handlers record their calls; `overrides` replaces individual handlers. */
function recordingHost(overrides: Partial<CommandHandlers> = {}) {
  const calls: { name: string; args: unknown }[] = [];
  const handlers = Object.fromEntries(
    commandNames.map((name) => [
      name,
      async (args: unknown) => {
        calls.push({ name, args });
        return idle;
      },
    ]),
  ) as unknown as CommandHandlers;
  const host: EngineHost = { handlers: { ...handlers, ...overrides }, subscribe: () => () => {} };
  return { host, calls };
}

function capturingLogger() {
  const lines: string[] = [];
  return { logger: createLogger('test', (line) => lines.push(line)), lines };
}

test('an unknown command is an error and calls nothing', async () => {
  const { host, calls } = recordingHost();
  const outcome = await dispatchCommand(host, 'formatDisk', {});
  assert.deepEqual(outcome, { ok: false, error: 'unknown command "formatDisk"' });
  assert.deepEqual(await dispatchCommand(host, 42, {}), { ok: false, error: 'unknown command 42' });
  assert.deepEqual(await dispatchCommand(host, 'toString', {}), {
    ok: false,
    error: 'unknown command "toString"',
  });
  assert.equal(calls.length, 0);
});

test('invalid arguments name the field and never reach the engine', async () => {
  const { host, calls } = recordingHost();
  const outcome = await dispatchCommand(host, 'scaleWorkers', { count: 99 });
  assert.equal(outcome.ok, false);
  assert.match(!outcome.ok ? outcome.error : '', /^scaleWorkers: count: /);
  assert.equal(!outcome.ok ? outcome.field?.name : '', 'count');
  const topic = await dispatchCommand(host, 'startStream', {
    path: '/data/a.parquet',
    inputTopic: 'bad topic',
    outputTopic: 'out',
    partitions: 4,
    workers: 2,
    ratePerSecond: null,
  });
  assert.match(!topic.ok ? topic.error : '', /^startStream: inputTopic: topic names may use/);
  assert.deepEqual(!topic.ok ? topic.field : undefined, {
    name: 'inputTopic',
    message: 'topic names may use letters, digits, ".", "_" and "-" only',
  });
  assert.equal(calls.length, 0);
});

test('valid arguments reach the handler and its value comes back', async () => {
  const { host, calls } = recordingHost();
  const outcome = await dispatchCommand(host, 'scaleWorkers', { count: 3 });
  assert.deepEqual(outcome, { ok: true, value: idle });
  assert.deepEqual(calls, [{ name: 'scaleWorkers', args: { count: 3 } }]);
  // commands without arguments accept a missing argument object
  assert.deepEqual(await dispatchCommand(host, 'pauseStream', undefined), {
    ok: true,
    value: idle,
  });
});

test('a user error becomes its one-line message and is not logged', async () => {
  const { host } = recordingHost({
    openDataset: async ({ path }) => {
      throw new InputError(`${path} is not a Parquet file — choose a .parquet file or a folder`);
    },
  });
  const { logger, lines } = capturingLogger();
  const outcome = await dispatchCommand(host, 'openDataset', { path: '/tmp/x.csv' }, logger);
  assert.deepEqual(outcome, {
    ok: false,
    error: '/tmp/x.csv is not a Parquet file — choose a .parquet file or a folder',
  });
  assert.deepEqual(lines, []);
});

test("a user error about one field carries the field's name", async () => {
  const { host } = recordingHost({
    testConnection: async () => {
      throw new InputError('connection: the password is missing — type it in the form', {
        field: 'password',
      });
    },
  });
  const message = 'connection: the password is missing — type it in the form';
  assert.deepEqual(
    await dispatchCommand(host, 'testConnection', {
      bootstrapServers: 'a:9093',
      securityProtocol: 'SASL_SSL',
    }),
    { ok: false, error: message, field: { name: 'password', message } },
  );
});

test('a bug becomes a short internal error and is logged with its stack', async () => {
  const { host } = recordingHost({
    stopStream: async () => {
      throw new TypeError('cannot read properties of undefined');
    },
  });
  const { logger, lines } = capturingLogger();
  const outcome = await dispatchCommand(host, 'stopStream', {}, logger);
  assert.deepEqual(outcome, {
    ok: false,
    error: 'internal error: cannot read properties of undefined',
  });
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /ERROR \[test\] command stopStream failed/);
  assert.match(lines[0] ?? '', /TypeError: cannot read properties of undefined\\n\s+at /);
});
