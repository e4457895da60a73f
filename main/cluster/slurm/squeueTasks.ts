// The tasks of a worker array as squeue lists them, one line per array task:
// `squeue --noheader --array --name=NAME --user=USER --format=%i|%F|%K|%T|%N|%r`.
import { EnvironmentError } from '../../shared/errors';

export const SQUEUE_FORMAT = '%i|%F|%K|%T|%N|%r';

export interface SlurmTask {
  /** the id scancel takes: <array job id>_<task id> */
  jobId: string;
  arrayJobId: string;
  taskId: number;
  /** SLURM's state: PENDING, RUNNING, COMPLETING, … */
  state: string;
  /** the node it runs on ('' while pending) */
  node: string;
  /** why it waits ('None' while running) */
  reason: string;
}

/** States in which a task is or will be a worker (not on its way out). */
const ACTIVE = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'REQUEUED', 'RESIZING']);

export function isActive(task: SlurmTask): boolean {
  return ACTIVE.has(task.state);
}

/** Parses squeue's lines in SQUEUE_FORMAT, sorted by task id; an unexpected line is an error. */
export function parseSqueueTasks(output: string): SlurmTask[] {
  const tasks: SlurmTask[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    const [jobId, arrayJobId, taskId, state, node, reason] = line.trim().split('|');
    if (
      jobId === undefined ||
      reason === undefined ||
      !/^\d+$/.test(arrayJobId ?? '') ||
      !/^\d+$/.test(taskId ?? '')
    ) {
      throw new EnvironmentError(`squeue printed a line that is not an array task: "${line}"`);
    }
    tasks.push({
      jobId,
      arrayJobId: arrayJobId!,
      taskId: Number(taskId),
      state: state!,
      node: node!,
      reason,
    });
  }
  return tasks.sort((a, b) => a.taskId - b.taskId);
}

/** What scaling to n workers does: the task ids to submit and the tasks to cancel. */
export interface ScalePlan {
  submit: number[];
  cancel: SlurmTask[];
  /** the live task ids that stay */
  keep: number[];
}

/**
 * Scaling keeps the lowest task ids running: more workers get the next unused ids (after
 * every id this deployment has used, so no new task meets the data dir of one still ending),
 * fewer cancel the highest.
 */
export function planScale(tasks: SlurmTask[], n: number, nextTaskId: number): ScalePlan {
  const active = tasks.filter(isActive).sort((a, b) => a.taskId - b.taskId);
  const keep = active.slice(0, n).map((task) => task.taskId);
  if (active.length >= n) return { submit: [], cancel: active.slice(n).reverse(), keep };
  const first = Math.max(nextTaskId, ...tasks.map((task) => task.taskId + 1));
  const submit = Array.from({ length: n - active.length }, (_, i) => first + i);
  return { submit, cancel: [], keep };
}

/** sbatch's --array value for consecutive ids: "4-6" or "4". */
export function arrayRange(ids: number[]): string {
  const first = ids[0]!;
  const last = ids[ids.length - 1]!;
  return first === last ? String(first) : `${first}-${last}`;
}
