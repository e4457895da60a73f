// `npm test`: starts one real Kafka broker through the broker manager (free port, temporary
// data dir), runs every compiled test file with Node's test runner against it, and always
// stops the broker. Suites: unit, integration, faults (fault injection: killed, frozen and
// restarted processes) and e2e. Arguments filter test files by substring: `npm test -- producer`.
// PS_TEST_BROKERS set beforehand means "use that cluster" and no broker is started.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, LocalBroker } from '../main/broker/localBroker';

const SUITES = ['unit', 'integration', 'faults', 'e2e'];

function testFiles(filters: string[]): string[] {
  const files: string[] = [];
  for (const suite of SUITES) {
    const dir = path.join(__dirname, suite);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (!name.endsWith('.test.js')) continue;
      if (filters.length > 0 && !filters.some((filter) => file.includes(filter))) continue;
      files.push(file);
    }
  }
  return files;
}

async function runNodeTests(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], {
      stdio: 'inherit',
      env,
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const files = testFiles(process.argv.slice(2));
  if (files.length === 0) {
    process.stderr.write('no test files matched\n');
    return 1;
  }
  if (process.env.PS_TEST_BROKERS) {
    return runNodeTests(files, process.env);
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ps-test-broker-'));
  const broker = new LocalBroker({ dataDir, port: await freePort(), heapMb: 768 });
  broker.on('status', (status) => {
    if (status.state !== 'provisioning') process.stderr.write(`test broker: ${status.state}\n`);
  });
  try {
    await broker.start();
    process.stderr.write(
      `test broker ready on ${broker.brokers.join(',')} (data dir ${dataDir})\n`,
    );
    return await runNodeTests(files, {
      ...process.env,
      PS_TEST_BROKERS: broker.brokers.join(','),
      PS_TEST_BROKER_DATA_DIR: dataDir,
    });
  } finally {
    await broker.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(
      `test harness failed: ${error instanceof Error ? error.message : error}\n`,
    );
    process.exit(1);
  },
);
