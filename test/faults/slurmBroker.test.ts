// The Kafka broker as a SLURM job on a real SLURM (scripts/slurm-local.sh's one-node cluster),
// through the commands a user runs: `cluster slurm broker start` with a log dir whose $USER the
// node expands, `status` until it gives the bootstrap address (the node's name and the port),
// a topic created and 300 rows produced and read back through that address (each row once, as
// written), the topic's data in the log dir, then `stop`: the job leaves the queue, the broker
// stopped cleanly (its address file removed, the job log says so) and no Java process is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SlurmBroker, type BrokerJobStatus } from '../../main/cluster/slurm/slurmBroker';
import { runSlurmCommand } from '../../main/cluster/slurm/slurmCommand';
import { ensureSlurm } from '../support/localSlurm';
import { inputRow, produceRows, readOutput, setUp, sleep } from '../support/workerPipelineFixture';

const cli = path.resolve(__dirname, '..', '..', 'main', 'cli', 'main.js');
const PORT = 19120;
const CONTROLLER_PORT = 19121;
const ROWS = 300;

function run(args: string[]): string {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Java processes whose command line names the dir (the broker's data dir is in it). */
function javaUnder(dir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes('kafka.Kafka') && cmdline.includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

test('the broker as a SLURM job: start, status gives the address, 300 rows through it, stop', async () => {
  ensureSlurm();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-slurm-broker-'));
  const jobDir = path.join(dir, 'job');
  const name = `ps-broker-${path.basename(dir).slice(-6)}`;
  const deployment = ['--name', name, '--job-dir', jobDir];
  // what the node makes of the pattern: $USER is the job's user, this one
  const logDir = path.join(dir, os.userInfo().username, 'kafka');
  const node = os.hostname().split('.')[0]!;
  const status = () =>
    JSON.parse(
      run(['cluster', 'slurm', 'broker', 'status', ...deployment, '--json']),
    ) as BrokerJobStatus | null;
  let fixture: Awaited<ReturnType<typeof setUp>> | null = null;
  try {
    run([
      'cluster',
      'slurm',
      'broker',
      'start',
      ...deployment,
      '--log-dir',
      path.join(dir, '$USER', 'kafka'),
      '--port',
      String(PORT),
      '--controller-port',
      String(CONTROLLER_PORT),
      '--heap-mb',
      '512',
    ]);
    const deadline = Date.now() + 180_000;
    let job = status();
    while (!job?.bootstrap) {
      assert.ok(Date.now() < deadline, `no bootstrap address after 180 s: ${JSON.stringify(job)}`);
      await sleep(2_000);
      job = status();
    }
    const running = job;
    assert.equal(running.state, 'RUNNING');
    assert.equal(running.node, node);
    assert.equal(running.bootstrap, `${node}:${PORT}`);
    const properties = readFileSync(path.join(logDir, 'server.properties'), 'utf8');
    assert.match(properties, new RegExp(`^log\\.dirs=${logDir}/kraft-logs$`, 'm'));
    assert.match(properties, new RegExp(`^listeners=PLAINTEXT://0\\.0\\.0\\.0:${PORT},`, 'm'));
    assert.match(
      properties,
      new RegExp(`^advertised\\.listeners=PLAINTEXT://${node}:${PORT}$`, 'm'),
    );

    // bound to every interface: the node's other addresses answer too, not only loopback
    const addresses = Object.values(os.networkInterfaces())
      .flat()
      .filter((entry) => entry && entry.family === 'IPv4' && !entry.internal)
      .map((entry) => entry!.address);
    for (const address of addresses) assert.ok(await accepts(address, PORT), address);

    fixture = await setUp('slurm-broker', [], [running.bootstrap!]);
    await produceRows(fixture.kafka, fixture.input, 0, ROWS);
    const rows = await readOutput({ ...fixture, output: fixture.input });
    assert.equal(rows.size, ROWS);
    for (let row = 0; row < ROWS; row += 1) {
      assert.deepEqual(
        rows.get(row)?.map((record) => record.value),
        [inputRow(row)],
        `row ${row}`,
      );
    }
    const partitions = readdirSync(path.join(logDir, 'kraft-logs')).filter((entry) =>
      entry.startsWith(`${fixture!.input}-`),
    );
    assert.equal(partitions.length, 4, partitions.join());
    const bytes = partitions
      .map((partition) => path.join(logDir, 'kraft-logs', partition, '00000000000000000000.log'))
      .reduce((sum, file) => sum + statSync(file).size, 0);
    assert.ok(bytes > 0, 'the topic has data in the log dir');
    await fixture.admin.disconnect();
    fixture = null;

    assert.match(
      run(['cluster', 'slurm', 'broker', 'stop', ...deployment]),
      new RegExp(`^stopped ${running.jobId}\\n$`),
    );
    const queue = await runSlurmCommand('squeue', ['-h', `--name=${name}`]);
    assert.equal(queue.stdout.trim(), '');
    assert.equal(status(), null);
    assert.deepEqual(javaUnder(dir), []);
    assert.equal(existsSync(path.join(jobDir, 'address.json')), false);
    assert.match(readFileSync(running.logFile, 'utf8'), /^broker stopped$/m);
  } finally {
    await fixture?.admin.disconnect();
    // cancels the job and waits until it has left the queue, when a check above failed
    await new SlurmBroker(runSlurmCommand).stop(jobDir).catch(() => []);
    for (const pid of javaUnder(dir)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
