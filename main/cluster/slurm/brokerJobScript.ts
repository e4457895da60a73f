// The batch script of a Kafka broker run as a SLURM job, as the seed's cluster ran one: the
// task makes the log dir the user chose ($USER and other variables expanded on the node) and
// execs `parquet-streamer broker start` in the foreground on it, listening where asked and
// advertising the node's name, and writing its bootstrap address into the job dir once it
// answers. scancel's SIGTERM reaches that process, which stops Kafka cleanly.
import path from 'node:path';
import { InputError } from '../../shared/errors';
import { DATA_DIR_PATTERN } from './slurmSettings';
import { checkJobBasics, shellPathWord, shellQuote } from './workerArrayScript';

export interface BrokerJobSpec {
  /** the SLURM job name */
  name: string;
  /** where the script, the record, the address file and the job log live (shared with the nodes) */
  jobDir: string;
  /** how a node runs parquet-streamer: the program and its first arguments */
  command: string[];
  /** the broker's data dir on the node; Kafka's log.dirs is its kraft-logs */
  logDir: string;
  port: number;
  controllerPort: number;
  /** the address the broker binds; on 0.0.0.0 it advertises the node's name */
  listenHost: string;
  heapMb: number;
  partition?: string | undefined;
  time?: string | undefined;
}

export const BROKER_SCRIPT_FILE = 'broker.sbatch';
/** what `broker start --address-file` writes in the job dir once the broker answers */
export const ADDRESS_FILE = 'address.json';

const WILDCARD_HOSTS = ['0.0.0.0', '::'];

/** Checks the spec's free-text parts where they enter; throws an InputError naming the flag. */
export function checkBrokerJobSpec(spec: BrokerJobSpec): void {
  checkJobBasics(spec);
  if (!DATA_DIR_PATTERN.test(spec.logDir) || spec.logDir.includes('%')) {
    throw new InputError(
      `--log-dir: "${spec.logDir}" may hold letters, digits, / . _ - + ~ and $VARIABLES only`,
    );
  }
  if (spec.port === spec.controllerPort) {
    throw new InputError(
      `--controller-port: ${spec.controllerPort} is also the client --port — give it a port of its own`,
    );
  }
}

/** The batch script; sbatch adds --array=0 on its command line (one task, read like workers'). */
export function brokerJobScript(spec: BrokerJobSpec): string {
  checkBrokerJobSpec(spec);
  const directives = [
    `--job-name=${spec.name}`,
    `--output=${path.join(spec.jobDir, 'logs', '%A_%a.out')}`,
    '--ntasks=1',
    '--cpus-per-task=2',
    ...(spec.partition ? [`--partition=${spec.partition}`] : []),
    ...(spec.time ? [`--time=${spec.time}`] : []),
  ];
  const broker = [
    ...spec.command,
    'broker',
    'start',
    '--port',
    String(spec.port),
    '--controller-port',
    String(spec.controllerPort),
    '--listen-host',
    spec.listenHost,
    '--heap-mb',
    String(spec.heapMb),
    '--address-file',
    path.join(spec.jobDir, ADDRESS_FILE),
  ].map(shellQuote);
  const advertised = WILDCARD_HOSTS.includes(spec.listenHost)
    ? ' --advertised-host "${SLURMD_NODENAME:-$(hostname)}"'
    : '';
  return [
    '#!/bin/bash',
    ...directives.map((directive) => `#SBATCH ${directive}`),
    '# written by `parquet-streamer cluster slurm broker start`: one Kafka broker (KRaft) on one node',
    'set -eu',
    // a batch job's environment is the submitter's, which need not have USER
    'USER=${USER:-$(id -un)}',
    `log_dir=${shellPathWord(spec.logDir)}`,
    'mkdir -p "$log_dir"',
    `exec ${broker.join(' ')} \\`,
    `  --data-dir "$log_dir"${advertised}`,
    '',
  ].join('\n');
}
