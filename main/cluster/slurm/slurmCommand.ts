// How the SLURM commands (sbatch, squeue, scancel) are run: a runner handed in, so the cluster
// code is tested against hand-written output, and the real one that runs the installed tools;
// and the two every deployment uses (workers and broker alike): submit a batch script as an
// array, and list a job name's array tasks.
import { execFile } from 'node:child_process';
import { EnvironmentError } from '../../shared/errors';
import { arrayRange, parseSqueueTasks, SQUEUE_FORMAT, type SlurmTask } from './squeueTasks';

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs one SLURM command with its arguments (no shell) and reports what it printed. */
export type SlurmRunner = (command: string, args: string[]) => Promise<CommandResult>;

/** The installed tools; a missing one is a one-line error saying what to install. */
export const runSlurmCommand: SlurmRunner = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') {
        reject(
          new EnvironmentError(
            `${command} is not installed here — run on a SLURM login node, or install SLURM's client tools (Debian: apt-get install slurm-client)`,
          ),
        );
        return;
      }
      resolve({ stdout, stderr, code: error ? (typeof code === 'number' ? code : 1) : 0 });
    });
  });

/** Runs the command and returns its output, or throws one line with SLURM's own complaint. */
export async function slurmOutput(
  run: SlurmRunner,
  command: string,
  args: string[],
): Promise<string> {
  const result = await run(command, args);
  if (result.code !== 0) {
    const reason = result.stderr.trim().split('\n').pop() || `exit code ${result.code}`;
    throw new EnvironmentError(`${command} failed: ${reason}`);
  }
  return result.stdout;
}

/** Submits the batch script as an array of the (consecutive) task ids; returns the array job id. */
export async function submitArray(
  run: SlurmRunner,
  script: string,
  taskIds: number[],
): Promise<string> {
  const output = await slurmOutput(run, 'sbatch', [
    '--parsable',
    `--array=${arrayRange(taskIds)}`,
    script,
  ]);
  return output.trim().split(';')[0]!;
}

/** The array tasks of the user's jobs called `name`, sorted by task id. */
export async function queuedTasks(
  run: SlurmRunner,
  name: string,
  user: string,
): Promise<SlurmTask[]> {
  const output = await slurmOutput(run, 'squeue', [
    '--noheader',
    '--array',
    `--name=${name}`,
    `--user=${user}`,
    `--format=${SQUEUE_FORMAT}`,
  ]);
  return parseSqueueTasks(output);
}
