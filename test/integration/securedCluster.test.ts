// A secured cluster end to end: a broker of its own with a SASL_SSL listener (a CA and the
// broker's certificate made here with openssl, SCRAM users stored at format time). Rows go in
// through `produce --client-config`, a `worker --client-config` transforms each exactly once
// (every source.row once in the committed output), the chart feed charts them, and a worker the
// supervisor forks gets the secrets through its environment, not its command line. Neither the
// logs nor /stats show the password. A wrong password and a CA that did not sign the broker's
// certificate each end in one line naming authentication and the certificate.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dispatchCommand } from '../../main/api/commandDispatcher';
import type { WorkerInfo } from '../../main/api/contract';
import { StreamEngine } from '../../main/api/streamEngine';
import { loadClientConfig } from '../../main/broker/clientProperties';
import { useClusterSecurity } from '../../main/broker/clusterSecurity';
import { readCommitted } from '../../main/broker/committedTopicReader';
import { freePort, LocalBroker } from '../../main/broker/localBroker';
import { ChartFeed } from '../../main/charts/chartFeed';
import { createLogger } from '../../main/shared/logger';
import { safeStorageSecrets } from '../../main/shell/safeStorageSecrets';
import { settingsDir } from '../../main/storage/appStorage';
import { WorkerSupervisor } from '../../main/supervisor/workerSupervisor';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'parquet-streamer.js');
const ROWS = 300;
const USER = 'streamer';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
/** keeps every row: the output has exactly one message per input row */
const TRANSFORM = JSON.stringify({
  name: 'plates',
  steps: [{ type: 'select', fields: ['Summons Number', 'Plate ID'] }],
});

let dir = '';
let broker: LocalBroker;
let securedPort = 0;
/** the connection form filled in for the secured listener, as a user does */
let form: Record<string, string> = {};
const quiet = createLogger('test', () => undefined);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A client properties file as a user writes it, in the test's folder. */
async function properties(name: string, password: string, caFile: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(
    file,
    [
      `bootstrap.servers=127.0.0.1:${securedPort}`,
      'security.protocol=SASL_SSL',
      'sasl.mechanism=SCRAM-SHA-512',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\',
      `  username="${USER}" password="${password}";`,
      `ssl.ca.location=${caFile}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ps-secured-'));
  for (const ca of ['ca', 'other-ca']) {
    openssl(
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${ca}`],
      ...['-keyout', `${ca}.key`, '-out', `${ca}.pem`],
    );
  }
  await writeFile(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1'],
    ...['-keyout', 'broker.key', '-out', 'broker.csr'],
  );
  openssl(
    ...['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key'],
    ...['-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'broker.pem'],
  );
  openssl(
    ...['pkcs12', '-export', '-in', 'broker.pem', '-inkey', 'broker.key', '-certfile', 'ca.pem'],
    ...['-name', 'broker', '-passout', 'pass:keystore-secret', '-out', 'broker.p12'],
  );
  securedPort = await freePort();
  let port = await freePort();
  while (port === securedPort) port = await freePort();
  broker = new LocalBroker({
    dataDir: path.join(dir, 'broker'),
    port,
    heapMb: 512,
    logger: quiet,
    securedListener: {
      port: securedPort,
      keystoreFile: path.join(dir, 'broker.p12'),
      keystorePassword: 'keystore-secret',
      scramUsers: [{ username: USER, password: PASSWORD }],
    },
  });
  await broker.start();
  form = {
    bootstrapServers: `127.0.0.1:${securedPort}`,
    securityProtocol: 'SASL_SSL',
    saslMechanism: 'SCRAM-SHA-512',
    username: USER,
    password: PASSWORD,
    caFile: path.join(dir, 'ca.pem'),
  };
});

after(async () => {
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('produce, a worker and the chart feed work over SASL_SSL with SCRAM-SHA-512', async () => {
  const config = await properties('client.properties', PASSWORD, 'ca.pem');
  const data = path.join(dir, 'rows.parquet');
  assert.equal(cli('demo-data', data, '--rows', String(ROWS)).code, 0);
  for (const topic of ['secured-in', 'secured-out']) {
    const created = cli('topic', 'create', topic, '--partitions', '2', '--client-config', config);
    assert.equal(created.code, 0, created.stderr);
  }
  const produced = cli('produce', data, '--topic', 'secured-in', '--client-config', config);
  assert.equal(produced.code, 0, produced.stderr);
  assert.match(produced.stdout, new RegExp(`^done: ${ROWS} rows acknowledged`));

  // this process reads the output with the same file's settings
  useClusterSecurity(loadClientConfig(config).security);
  const brokers = [`127.0.0.1:${securedPort}`];
  const feed = new ChartFeed({ brokers, topic: 'secured-out', charts: [], logger: quiet });
  const charted = new Promise<number>((resolve) =>
    feed.on('chartData', ({ data: chart }) => {
      if (chart.rowsSeen === ROWS) resolve(chart.rowsSeen);
    }),
  );
  await feed.start();

  const webPort = await freePort();
  const worker = spawn(
    process.execPath,
    [BIN, 'worker', '--client-config', config, '--group', 'secured-group'].concat(
      ['--input', 'secured-in', '--output', 'secured-out', '--transform', TRANSFORM],
      ['--data-dir', path.join(dir, 'worker1'), '--web-port', String(webPort), '-l', 'debug'],
    ),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let workerLog = '';
  worker.stdout?.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
  worker.stderr?.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
  try {
    assert.ok(!readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8').includes(PASSWORD));
    const stats = await waitForRowsOut(webPort, ROWS, () => workerLog);
    assert.ok(!stats.includes(PASSWORD), '/stats shows the password');
    assert.equal(await charted, ROWS);
  } finally {
    await stopChild(worker);
    await feed.stop();
  }
  assert.ok(workerLog.includes('DEBUG'), 'the worker logged at debug level');
  assert.ok(!workerLog.includes(PASSWORD), 'the worker logged the password');
  assert.ok(!produced.stderr.includes(PASSWORD) && !produced.stdout.includes(PASSWORD));

  const rows = new Map<number, number>();
  await readCommitted(brokers, 'secured-out', (_partition, message) => {
    const row = Number(message.headers?.['source.row']?.toString());
    rows.set(row, (rows.get(row) ?? 0) + 1);
  });
  assert.equal(rows.size, ROWS);
  for (let row = 0; row < ROWS; row++) assert.equal(rows.get(row), 1, `source.row ${row}`);
});

test('a supervised worker gets the secrets in its environment, not its command line', async () => {
  const config = await properties('client.properties', PASSWORD, 'ca.pem');
  useClusterSecurity(loadClientConfig(config).security);
  const output: string[] = [];
  const supervisor = new WorkerSupervisor({
    brokers: [`127.0.0.1:${securedPort}`],
    group: 'secured-supervised',
    inputTopic: 'secured-in',
    outputTopic: 'secured-out',
    baseDir: path.join(dir, 'supervised'),
    basePort: await freePort(),
    logger: createLogger('supervisor', (line) => output.push(line)),
    workerOutput: (_id, line) => output.push(line),
    transform: TRANSFORM,
  });
  try {
    const [worker] = await supervisor.scaleTo(1);
    assert.ok(worker?.pid);
    const commandLine = readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8');
    assert.match(commandLine, /--group\0secured-supervised/);
    assert.ok(!commandLine.includes(PASSWORD), 'the password is on the command line');
    // it authenticated: it read the whole input topic as a new group
    const stats = await waitForRowsOut(worker.port, ROWS, () => output.join('\n'));
    assert.ok(!stats.includes(PASSWORD));
  } finally {
    await supervisor.stop();
  }
  assert.ok(!output.join('\n').includes(PASSWORD));
});

test('a wrong password is one line naming authentication', async () => {
  const config = await properties('wrong-password.properties', 'not-the-password', 'ca.pem');
  const data = path.join(dir, 'rows.parquet');
  const produced = cli('produce', data, '--topic', 'secured-in', '--client-config', config);
  assert.equal(produced.code, 2);
  assert.equal(
    produced.stderr,
    `error: authentication to 127.0.0.1:${securedPort} as "${USER}" (SCRAM-SHA-512) failed: ` +
      'wrong username or password — check them (sasl.jaas.config, or sasl.username and sasl.password)\n',
  );
  const worker = cli(
    ...['worker', '--client-config', config, '--group', 'g', '--input', 'secured-in'],
    ...[
      '--output',
      'secured-out',
      '--data-dir',
      path.join(dir, 'w-bad'),
      '--web-port',
      '0',
      '-l',
      'warn',
    ],
  );
  assert.notEqual(worker.code, 0);
  assert.match(
    worker.stderr,
    /^error: authentication to .* failed: wrong username or password — [^\n]*\n$/,
  );
});

test('a CA that did not sign the broker certificate is one line naming the certificate', async () => {
  const config = await properties('untrusted.properties', PASSWORD, 'other-ca.pem');
  const listed = cli('topic', 'list', '--client-config', config);
  assert.equal(listed.code, 2);
  assert.equal(
    listed.stderr,
    `error: the certificate of the broker at 127.0.0.1:${securedPort} is not trusted ` +
      '(SELF_SIGNED_CERT_IN_CHAIN) — set ssl.ca.location to the CA certificate that signed it\n',
  );
});

test('"Test connection" lists the brokers, or names what failed in one line', async () => {
  const engine = new StreamEngine({ appDataDir: path.join(dir, 'app'), autoStartBroker: false });
  try {
    assert.deepEqual(await dispatchCommand(engine, 'testConnection', form), {
      ok: true,
      value: [`127.0.0.1:${securedPort}`],
    });
    const wrongPassword =
      `authentication to 127.0.0.1:${securedPort} as "${USER}" (SCRAM-SHA-512) failed: ` +
      'wrong username or password — check them (sasl.jaas.config, or sasl.username and sasl.password)';
    assert.deepEqual(
      await dispatchCommand(engine, 'testConnection', { ...form, password: 'wrong' }),
      // the connection settings as a whole (not one form field) are what to fix
      { ok: false, error: wrongPassword, field: { name: 'clientConfig', message: wrongPassword } },
    );
    const untrusted = { ...form, caFile: path.join(dir, 'other-ca.pem') };
    const outcome = await dispatchCommand(engine, 'testConnection', untrusted);
    assert.equal(outcome.ok, false);
    assert.match(
      !outcome.ok ? outcome.error : '',
      /^the certificate of the broker at .* is not trusted/,
    );
  } finally {
    await engine.close();
  }
});

test('"Use this cluster": the next stream runs on it; a later test reuses the saved password; no file holds it', async () => {
  useClusterSecurity({ protocol: 'PLAINTEXT' }); // as the app starts: earlier tests set it
  const appDataDir = path.join(dir, 'app-use');
  // a stand-in keychain: XOR with 0x5c, so the bytes on disk are not the password
  const xor = (data: Buffer) => Buffer.from(data.map((byte) => byte ^ 0x5c));
  const keychain = {
    isEncryptionAvailable: () => true,
    encryptString: (text: string) => xor(Buffer.from(text)),
    decryptString: (data: Buffer) => xor(data).toString(),
  };
  const engine = new StreamEngine({
    appDataDir,
    autoStartBroker: false,
    logger: quiet,
    secrets: safeStorageSecrets(keychain, settingsDir(appDataDir)),
  });
  let workers: WorkerInfo[] = [];
  let state = '';
  let fields: string[] = [];
  engine.subscribe((event, payload) => {
    if (event === 'workers') workers = payload as WorkerInfo[];
    if (event === 'streamProgress') state = (payload as { state: string }).state;
    if (event === 'outputFields') fields = (payload as { name: string }[]).map((f) => f.name);
  });
  try {
    assert.deepEqual(await dispatchCommand(engine, 'useCluster', form), {
      ok: true,
      value: {
        state: 'external',
        brokers: [`127.0.0.1:${securedPort}`],
        detail: `cluster at 127.0.0.1:${securedPort}`,
      },
    });
    const started = await dispatchCommand(engine, 'startStream', {
      path: path.join(dir, 'rows.parquet'),
      inputTopic: 'use-cluster-in',
      outputTopic: 'use-cluster-out',
      partitions: 2,
      workers: 1,
      ratePerSecond: null,
      transform: JSON.parse(TRANSFORM),
    });
    assert.equal(started.ok, true, !started.ok ? started.error : '');
    const deadline = Date.now() + 120_000;
    const rowsOut = () => workers.reduce((sum, worker) => sum + worker.rowsOut, 0);
    while (!(state === 'done' && rowsOut() === ROWS && fields.includes('Plate ID'))) {
      assert.ok(Date.now() < deadline, `state ${state}, ${rowsOut()} rows out, fields ${fields}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.deepEqual(await dispatchCommand(engine, 'testConnection', { ...form, password: '' }), {
      ok: true,
      value: [`127.0.0.1:${securedPort}`],
    });
    const holding = readdirSync(appDataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name))
      .filter((file) => readFileSync(file).includes(PASSWORD));
    assert.deepEqual(holding, []);
  } finally {
    await engine.close();
    useClusterSecurity({ protocol: 'PLAINTEXT' });
  }
});

/** The worker's /stats text once it has written `rows` rows. */
async function waitForRowsOut(port: number, rows: number, log: () => string): Promise<string> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const text = await fetch(`http://127.0.0.1:${port}/stats`)
      .then((response) => response.text())
      .catch(() => '');
    if (text && (JSON.parse(text) as { rowsOut: number }).rowsOut >= rows) return text;
    if (Date.now() > deadline)
      throw new Error(`no ${rows} rows out within 90 s: ${text}\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
