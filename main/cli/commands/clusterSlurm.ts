// `parquet-streamer cluster slurm submit|status|scale|cancel`: workers on a SLURM cluster as
// one job array, one task per worker — the seed's one-terminal-per-worker, automated; and
// `cluster slurm broker start|status|stop`: the Kafka broker as a SLURM job.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_BROKER_PORT } from '../../broker/localBroker';
import { SlurmBroker } from '../../cluster/slurm/slurmBroker';
import { SlurmWorkers, type TaskStatus } from '../../cluster/slurm/slurmWorkers';
import { runSlurmCommand } from '../../cluster/slurm/slurmCommand';
import { slurmNodeCommand } from '../../cluster/slurm/nodeCommand';
import { DEFAULT_PRESET } from '../../pipelines/presets';
import { defaultAppDataDir } from '../../shared/appPaths';
import { InputError } from '../../shared/errors';
import type { LogLevel } from '../../shared/logger';
import {
  addClientConfigOption,
  brokersOption,
  parseHost,
  parsePort,
  parseTopicName,
  parseWholeNumber,
} from '../cliOptions';

interface DeploymentFlags {
  name: string;
  jobDir?: string;
}

interface SubmitFlags extends DeploymentFlags {
  workers: number;
  brokers: string[];
  clientConfig?: string;
  input: string;
  output: string;
  group?: string;
  transform: string;
  partition?: string;
  time?: string;
  dataDirPattern?: string;
  webPortBase: number;
  webHost: string;
  logLevel: LogLevel;
}

/** The deployment's job dir: --job-dir, or <app data>/slurm/<name> (under $HOME, which nodes share). */
function jobDirOf(flags: DeploymentFlags): string {
  return path.resolve(flags.jobDir ?? path.join(defaultAppDataDir(), 'slurm', flags.name));
}

interface BrokerJobFlags extends DeploymentFlags {
  logDir: string;
  port: number;
  controllerPort?: number;
  listenHost: string;
  heapMb: number;
  partition?: string;
  time?: string;
}

const WORKERS_NAME = 'ps-workers';
const BROKER_NAME = 'ps-broker';

function withDeployment(command: Command, defaultName = WORKERS_NAME): Command {
  return command
    .option('--name <name>', 'SLURM job name of the deployment', defaultName)
    .option(
      '--job-dir <dir>',
      'where the script, token and task logs live, on a filesystem the nodes share (default <app data>/slurm/<name>)',
    );
}

export function registerClusterSlurmCommand(program: Command): void {
  const slurm = program
    .command('cluster')
    .description('run workers on a cluster scheduler')
    .command('slurm')
    .description('workers as a SLURM job array: submit, status, scale, cancel; and the broker');
  const workers = () => new SlurmWorkers(runSlurmCommand);
  registerBrokerJob(slurm);

  withDeployment(
    addClientConfigOption(slurm.command('submit'))
      .description('submit one job array, one task per worker, each with its own data dir and port')
      .requiredOption(
        '--workers <n>',
        'number of workers (array tasks)',
        parseWholeNumber('--workers'),
      )
      .requiredOption('--input <topic>', 'topic the workers read', parseTopicName('--input'))
      .requiredOption('--output <topic>', 'topic the workers write', parseTopicName('--output'))
      .addOption(brokersOption())
      .option('--group <name>', 'consumer group of the workers (default: the --name)')
      .option(
        '--transform <spec>',
        'a preset, a .json spec or .js module on a path the nodes share, or JSON text',
        DEFAULT_PRESET,
      )
      .option('--partition <name>', 'SLURM partition (default: the cluster default)')
      .option('--time <limit>', 'SLURM time limit per task, e.g. 2:00:00')
      .option(
        '--data-dir-pattern <pattern>',
        "each task's data dir, %a is the task id, e.g. '/scratch/$USER/ps-%a' (default <job dir>/data/worker-%a)",
      )
      .option(
        '--web-port-base <port>',
        "task N's web port is this plus N",
        parsePort('--web-port-base'),
        6066,
      )
      .option(
        '--web-host <host>',
        'address the workers listen on (their port asks for the job dir token)',
        '0.0.0.0',
      )
      .addOption(
        new Option('-l, --log-level <level>', "the workers' log level")
          .choices(['debug', 'info', 'warn', 'error'])
          .default('info'),
      ),
  ).action(async (flags: SubmitFlags) => {
    const jobDir = jobDirOf(flags);
    const transform = existsSync(flags.transform) ? path.resolve(flags.transform) : flags.transform;
    const arrayJobId = await workers().submit(
      {
        name: flags.name,
        jobDir,
        command: slurmNodeCommand(),
        brokers: flags.brokers,
        clientConfig: flags.clientConfig && path.resolve(flags.clientConfig),
        group: flags.group ?? flags.name,
        inputTopic: flags.input,
        outputTopic: flags.output,
        transform,
        logLevel: flags.logLevel,
        dataDirPattern: flags.dataDirPattern ?? path.join(jobDir, 'data', 'worker-%a'),
        webPortBase: flags.webPortBase,
        webHost: flags.webHost,
        partition: flags.partition,
        time: flags.time,
      },
      flags.workers,
    );
    console.log(`submitted job array ${arrayJobId} (${flags.workers} workers) as ${flags.name}`);
    console.log(
      `job dir ${jobDir}; see them with: parquet-streamer cluster slurm status${nameFlag(flags, WORKERS_NAME)}`,
    );
  });

  withDeployment(
    slurm
      .command('status')
      .description("the deployment's tasks: state, node, port and the worker's /stats")
      .option('--json', 'print JSON'),
  ).action(async (flags: DeploymentFlags & { json?: boolean }) => {
    const tasks = await workers().status(jobDirOf(flags));
    if (flags.json) {
      console.log(JSON.stringify(tasks, null, 2));
      return;
    }
    if (tasks.length === 0) {
      console.log(`${flags.name} has no tasks in the queue`);
      return;
    }
    console.log(statusTable(tasks));
  });

  withDeployment(
    slurm
      .command('scale <workers>')
      .description(
        'submit the next task ids or cancel the highest until this many workers are live',
      ),
  ).action(async (count: string, flags: DeploymentFlags) => {
    const n = parseWholeNumber('<workers>')(count);
    const plan = await workers().scale(jobDirOf(flags), n);
    if (plan.submit.length > 0) console.log(`submitted tasks ${plan.submit.join(', ')}`);
    if (plan.cancel.length > 0) {
      console.log(`cancelled tasks ${plan.cancel.map((task) => task.taskId).join(', ')}`);
    }
    if (plan.submit.length + plan.cancel.length === 0) console.log(`${n} workers already live`);
  });

  withDeployment(
    slurm
      .command('cancel')
      .description('cancel one task (--task) or the whole deployment')
      .option('--task <id>', 'array task id to cancel', parseWholeNumber('--task')),
  ).action(async (flags: DeploymentFlags & { task?: number }) => {
    const cancelled = await workers().cancel(jobDirOf(flags), flags.task);
    console.log(
      cancelled.length === 0
        ? `${flags.name} has no live tasks`
        : `cancelled ${cancelled.map((task) => task.jobId).join(', ')}`,
    );
  });
}

function nameFlag(flags: DeploymentFlags, defaultName: string): string {
  return (
    (flags.name === defaultName ? '' : ` --name ${flags.name}`) +
    (flags.jobDir ? ` --job-dir ${flags.jobDir}` : '')
  );
}

function statusTable(tasks: TaskStatus[]): string {
  const rows = [
    ['task', 'job', 'state', 'node', 'port', 'worker', 'rows in', 'rows out', 'partitions'],
  ];
  for (const task of tasks) {
    rows.push([
      String(task.taskId),
      task.jobId,
      task.state === 'PENDING' ? `PENDING (${task.reason})` : task.state,
      task.node || '-',
      String(task.webPort),
      task.stats?.status ?? '-',
      String(task.stats?.rowsIn ?? '-'),
      String(task.stats?.rowsOut ?? '-'),
      task.stats ? task.stats.partitions.join(',') || '-' : '-',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  lines.push(`logs: ${path.dirname(tasks[0]!.logFile)}`);
  return lines.join('\n');
}

/** `cluster slurm broker start|status|stop`: the Kafka broker as one SLURM job. */
function registerBrokerJob(slurm: Command): void {
  const broker = slurm
    .command('broker')
    .description('the Kafka broker as a SLURM job: start, status, stop');
  const jobs = () => new SlurmBroker(runSlurmCommand);

  withDeployment(
    broker
      .command('start')
      .description('submit the broker as a job; it keeps its data in --log-dir on the node')
      .requiredOption(
        '--log-dir <dir>',
        "the broker's data dir on the node (Kafka's log.dirs is its kraft-logs), e.g. '/scratch/$USER/kafka'",
      )
      .option(
        '--port <n>',
        'the client port (open it to the workers and producers)',
        parsePort('--port'),
        DEFAULT_BROKER_PORT,
      )
      .option(
        '--controller-port <n>',
        'the KRaft controller port (default: --port + 1)',
        parsePort('--controller-port'),
      )
      .option(
        '--listen-host <address>',
        "address the broker binds; on 0.0.0.0 it advertises the node's name",
        parseHost('--listen-host'),
        '0.0.0.0',
      )
      .option('--heap-mb <n>', "the broker's Java heap", parseWholeNumber('--heap-mb'), 1024)
      .option('--partition <name>', 'SLURM partition (default: the cluster default)')
      .option('--time <limit>', 'SLURM time limit of the job, e.g. 1-00:00:00'),
    BROKER_NAME,
  ).action(async (flags: BrokerJobFlags) => {
    const jobDir = jobDirOf(flags);
    const controllerPort = flags.controllerPort ?? flags.port + 1;
    if (controllerPort > 65535) {
      throw new InputError(
        '--port 65535 leaves no port after it for the controller — give --controller-port',
      );
    }
    const jobId = await jobs().start({
      name: flags.name,
      jobDir,
      command: slurmNodeCommand(),
      logDir: flags.logDir,
      port: flags.port,
      controllerPort,
      listenHost: flags.listenHost,
      heapMb: flags.heapMb,
      partition: flags.partition,
      time: flags.time,
    });
    console.log(`submitted the broker as job ${jobId} (${flags.name}), log dir ${flags.logDir}`);
    console.log(
      `job dir ${jobDir}; its address once it answers: parquet-streamer cluster slurm broker status${nameFlag(flags, BROKER_NAME)}`,
    );
  });

  withDeployment(
    broker
      .command('status')
      .description('the job: state, node and the bootstrap address to pass as --brokers')
      .option('--json', 'print JSON'),
    BROKER_NAME,
  ).action(async (flags: DeploymentFlags & { json?: boolean }) => {
    const job = await jobs().status(jobDirOf(flags));
    if (flags.json) {
      console.log(JSON.stringify(job, null, 2));
      return;
    }
    if (!job) {
      console.log(`${flags.name} is not in the queue`);
      return;
    }
    const state = job.state === 'PENDING' ? `PENDING (${job.reason})` : job.state;
    console.log(`job ${job.jobId}  ${state}${job.node ? `  on ${job.node}` : ''}`);
    console.log(
      job.bootstrap
        ? `bootstrap ${job.bootstrap}  (give it as --brokers ${job.bootstrap})`
        : 'bootstrap - (not answering yet)',
    );
    console.log(`log dir ${job.logDir}, job log ${job.logFile}`);
  });

  withDeployment(
    broker
      .command('stop')
      .description('cancel the job (Kafka shuts down cleanly) and wait until it left the queue'),
    BROKER_NAME,
  ).action(async (flags: DeploymentFlags) => {
    const cancelled = await jobs().stop(jobDirOf(flags));
    console.log(
      cancelled.length === 0
        ? `${flags.name} is not in the queue`
        : `stopped ${cancelled.map((task) => task.jobId).join(', ')}`,
    );
  });
}
