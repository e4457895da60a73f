// The batch script of a worker array: each SLURM array task runs one `parquet-streamer worker`
// with its own data dir (the pattern with %a as the task id, $USER expanded by the task's
// shell), web port (base + task id), worker id (<name>-<array job>_<task>), the array's
// token file and, for a secured cluster, its client properties file. The same script serves
// every array a deployment submits (sbatch --array=…).
import path from 'node:path';
import { InputError } from '../../shared/errors';
import type { LogLevel } from '../../shared/logger';
import {
  DATA_DIR_PATTERN,
  MAX_WEB_PORT_BASE,
  PARTITION_PATTERN,
  TIME_LIMIT_PATTERN,
} from './slurmSettings';

export interface WorkerArraySpec {
  /** the SLURM job name every array of this deployment carries */
  name: string;
  /** where the script, token, deployment record and task logs live (shared with the nodes) */
  jobDir: string;
  /** how a node runs parquet-streamer: the program and its first arguments */
  command: string[];
  brokers: string[];
  /** a client properties file on a path the nodes share (absolute); each worker reads it */
  clientConfig?: string | undefined;
  group: string;
  inputTopic: string;
  outputTopic: string;
  transform: string;
  logLevel: LogLevel;
  dataDirPattern: string;
  webPortBase: number;
  webHost: string;
  partition?: string | undefined;
  time?: string | undefined;
}

export const TOKEN_FILE = 'token';
export const SCRIPT_FILE = 'workers.sbatch';

/** One line per task: <job dir>/logs/<array job id>_<task id>.out (stdout and stderr). */
export function taskLogFile(jobDir: string, arrayJobId: string, taskId: number): string {
  return path.join(jobDir, 'logs', `${arrayJobId}_${taskId}.out`);
}

/** A word the shell takes literally. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The data dir pattern as a double-quoted shell word with %a → the task id. Only variables
 * ($USER, ${TMPDIR}) are expanded; anything that could run a command is refused.
 */
export function dataDirWord(pattern: string): string {
  if (!pattern.includes('%a')) {
    throw new InputError(
      `--data-dir-pattern: "${pattern}" has no %a — each task needs its own data dir, e.g. '/scratch/$USER/ps-%a'`,
    );
  }
  if (!DATA_DIR_PATTERN.test(pattern)) {
    throw new InputError(
      `--data-dir-pattern: "${pattern}" may hold letters, digits, / . _ - + ~, $VARIABLES and %a only`,
    );
  }
  return shellPathWord(pattern.replaceAll('%a', '${SLURM_ARRAY_TASK_ID}'));
}

/** A checked path (DATA_DIR_PATTERN) as a double-quoted shell word; a leading ~/ is $HOME/. */
export function shellPathWord(checked: string): string {
  return `"${checked.startsWith('~/') ? `$HOME/${checked.slice(2)}` : checked}"`;
}

/** Checks what every job of a deployment has: --name, --job-dir, --partition and --time. */
export function checkJobBasics(
  spec: Pick<WorkerArraySpec, 'name' | 'jobDir' | 'partition' | 'time'>,
): void {
  if (!/^[A-Za-z0-9._-]{1,60}$/.test(spec.name)) {
    throw new InputError('--name: use 1 to 60 letters, digits, ".", "_" and "-"');
  }
  if (/\s/.test(spec.jobDir)) {
    throw new InputError(`--job-dir: "${spec.jobDir}" has a space; #SBATCH lines cannot quote it`);
  }
  if (spec.partition !== undefined && !PARTITION_PATTERN.test(spec.partition)) {
    throw new InputError(`--partition: "${spec.partition}" is not a partition name`);
  }
  if (spec.time !== undefined && !TIME_LIMIT_PATTERN.test(spec.time)) {
    throw new InputError(
      `--time: "${spec.time}" is not a SLURM time limit — use minutes, hh:mm:ss or d-hh:mm:ss`,
    );
  }
}

/** Checks the spec's free-text parts where they enter; throws an InputError naming the flag. */
export function checkWorkerArraySpec(spec: WorkerArraySpec): void {
  checkJobBasics(spec);
  if (spec.webPortBase > MAX_WEB_PORT_BASE) {
    throw new InputError('--web-port-base: leave room for 1000 task ports below 65536');
  }
  dataDirWord(spec.dataDirPattern);
}

/** The batch script; sbatch adds --array on its command line. */
export function workerArrayScript(spec: WorkerArraySpec): string {
  checkWorkerArraySpec(spec);
  const directives = [
    `--job-name=${spec.name}`,
    `--output=${path.join(spec.jobDir, 'logs', '%A_%a.out')}`,
    '--ntasks=1',
    '--cpus-per-task=1',
    ...(spec.partition ? [`--partition=${spec.partition}`] : []),
    ...(spec.time ? [`--time=${spec.time}`] : []),
  ];
  const worker = [
    ...spec.command,
    'worker',
    '--brokers',
    spec.brokers.join(','),
    '--group',
    spec.group,
    '--input',
    spec.inputTopic,
    '--output',
    spec.outputTopic,
    '--transform',
    spec.transform,
    '--log-level',
    spec.logLevel,
    '--web-host',
    spec.webHost,
    '--web-token-file',
    path.join(spec.jobDir, TOKEN_FILE),
    ...(spec.clientConfig ? ['--client-config', spec.clientConfig] : []),
  ].map(shellQuote);
  return [
    '#!/bin/bash',
    ...directives.map((directive) => `#SBATCH ${directive}`),
    '# written by `parquet-streamer cluster slurm submit`: one worker per array task',
    'set -eu',
    // a batch job's environment is the submitter's, which need not have USER
    'USER=${USER:-$(id -un)}',
    `data_dir=${dataDirWord(spec.dataDirPattern)}`,
    'mkdir -p "$data_dir"',
    `exec ${worker.join(' ')} \\`,
    `  --data-dir "$data_dir" --web-port $((${spec.webPortBase} + SLURM_ARRAY_TASK_ID)) \\`,
    `  --worker-id ${shellQuote(spec.name)}-"$SLURM_ARRAY_JOB_ID"_"$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}
