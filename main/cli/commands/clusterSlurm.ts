// `parquet-streamer cluster slurm submit|status|scale|cancel`: workers on a SLURM cluster as
// one job array, one task per worker — the seed's one-terminal-per-worker, automated.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { SlurmWorkers, type TaskStatus } from '../../cluster/slurm/slurmWorkers';
import { runSlurmCommand } from '../../cluster/slurm/slurmCommand';
import { slurmNodeCommand } from '../../cluster/slurm/nodeCommand';
import { DEFAULT_PRESET } from '../../pipelines/presets';
import { defaultAppDataDir } from '../../shared/appPaths';
import type { LogLevel } from '../../shared/logger';
import {
  addClientConfigOption,
  brokersOption,
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

function withDeployment(command: Command): Command {
  return command
    .option('--name <name>', 'SLURM job name of the deployment', 'ps-workers')
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
    .description('workers as a SLURM job array: submit, status, scale, cancel');
  const workers = () => new SlurmWorkers(runSlurmCommand);

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
      `job dir ${jobDir}; see them with: parquet-streamer cluster slurm status${nameFlag(flags)}`,
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

function nameFlag(flags: DeploymentFlags): string {
  return (
    (flags.name === 'ps-workers' ? '' : ` --name ${flags.name}`) +
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
