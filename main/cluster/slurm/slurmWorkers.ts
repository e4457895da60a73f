// Workers as one SLURM job array per deployment: submit writes the deployment's job dir
// (batch script, 0600 token, record, task logs) and submits tasks 0…N-1; status joins squeue's
// tasks with each worker's /stats (asked with the token); scale submits the next task ids or
// cancels the highest; resubmit starts a task that ended again under its own id (data dir and
// port); cancel ends one task or all. The SLURM commands run through a runner
// handed in.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../shared/errors';
import { writeJsonAtomically } from '../../shared/atomicJson';
import type { WorkerStatsDocument } from '../../worker/workerReport';
import { queuedTasks, slurmOutput, submitArray, type SlurmRunner } from './slurmCommand';
import { isActive, planScale, type ScalePlan, type SlurmTask } from './squeueTasks';
import {
  checkWorkerArraySpec,
  SCRIPT_FILE,
  taskLogFile,
  TOKEN_FILE,
  workerArrayScript,
  type WorkerArraySpec,
} from './workerArrayScript';

const RECORD_FILE = 'deployment.json';

/** What submit records in the job dir for status, scale and cancel. */
export interface SlurmDeployment extends WorkerArraySpec {
  /** the next array task id scale hands out */
  nextTaskId: number;
}

export interface TaskStatus extends SlurmTask {
  webPort: number;
  logFile: string;
  /** the worker's /stats, or null while it does not answer */
  stats: WorkerStatsDocument | null;
}

/** Reads a worker's /stats with the deployment's token; null when it does not answer. */
export type StatsReader = (
  host: string,
  port: number,
  token: string,
) => Promise<WorkerStatsDocument | null>;

export const fetchWorkerStats: StatsReader = async (host, port, token) => {
  try {
    const response = await fetch(`http://${host}:${port}/stats`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) return null;
    return (await response.json()) as WorkerStatsDocument;
  } catch {
    return null;
  }
};

export class SlurmWorkers {
  constructor(
    private readonly run: SlurmRunner,
    private readonly readStats: StatsReader = fetchWorkerStats,
    private readonly user: string = os.userInfo().username,
  ) {}

  /** Writes the job dir and submits tasks 0…workers-1; refuses while the name has live tasks. */
  async submit(spec: WorkerArraySpec, workers: number): Promise<string> {
    checkWorkerCount(workers, 1);
    checkWorkerArraySpec(spec);
    const live = (await this.squeue(spec.name)).filter(isActive);
    if (live.length > 0) {
      throw new InputError(
        `--name: ${spec.name} has ${live.length} live task(s) — scale or cancel it, or choose another --name`,
      );
    }
    await fs.mkdir(path.join(spec.jobDir, 'logs'), { recursive: true });
    const tokenFile = path.join(spec.jobDir, TOKEN_FILE);
    await fs.rm(tokenFile, { force: true });
    await fs.writeFile(tokenFile, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    await fs.writeFile(path.join(spec.jobDir, SCRIPT_FILE), workerArrayScript(spec), {
      mode: 0o700,
    });
    const deployment: SlurmDeployment = { ...spec, nextTaskId: workers };
    await writeJsonAtomically(path.join(spec.jobDir, RECORD_FILE), deployment);
    return this.sbatch(
      deployment,
      Array.from({ length: workers }, (_, i) => i),
    );
  }

  /** The deployment's tasks, each with its port, log file and /stats. */
  async status(jobDir: string): Promise<TaskStatus[]> {
    const deployment = await readDeployment(jobDir);
    const token = await readToken(jobDir);
    const tasks = await this.squeue(deployment.name);
    return Promise.all(
      tasks.map(async (task) => {
        const webPort = deployment.webPortBase + task.taskId;
        const stats =
          task.state === 'RUNNING' && task.node
            ? await this.readStats(task.node, webPort, token)
            : null;
        return {
          ...task,
          webPort,
          logFile: taskLogFile(jobDir, task.arrayJobId, task.taskId),
          stats,
        };
      }),
    );
  }

  /** Submits or cancels tasks until `workers` are live; says what it did. */
  async scale(jobDir: string, workers: number): Promise<ScalePlan> {
    checkWorkerCount(workers);
    const deployment = await readDeployment(jobDir);
    const plan = planScale(await this.squeue(deployment.name), workers, deployment.nextTaskId);
    if (plan.submit.length > 0) {
      const next = { ...deployment, nextTaskId: plan.submit[plan.submit.length - 1]! + 1 };
      await writeJsonAtomically(path.join(jobDir, RECORD_FILE), next);
      await this.sbatch(next, plan.submit);
    }
    if (plan.cancel.length > 0) {
      await slurmOutput(
        this.run,
        'scancel',
        plan.cancel.map((task) => task.jobId),
      );
    }
    return plan;
  }

  /** Submits task `taskId` again (a new array job of one task); refuses while it is in the queue. */
  async resubmit(jobDir: string, taskId: number): Promise<string> {
    const deployment = await readDeployment(jobDir);
    const queued = (await this.squeue(deployment.name)).find((task) => task.taskId === taskId);
    if (queued) {
      throw new InputError(
        `--task: task ${taskId} of ${deployment.name} is still in the queue (${queued.state})`,
      );
    }
    return this.sbatch(deployment, [taskId]);
  }

  /** Cancels one task (by task id) or, without one, every task of the deployment. */
  async cancel(jobDir: string, taskId?: number): Promise<SlurmTask[]> {
    const deployment = await readDeployment(jobDir);
    const live = (await this.squeue(deployment.name)).filter(isActive);
    const chosen = taskId === undefined ? live : live.filter((task) => task.taskId === taskId);
    if (taskId !== undefined && chosen.length === 0) {
      throw new InputError(`--task: ${deployment.name} has no live task ${taskId}`);
    }
    if (chosen.length > 0)
      await slurmOutput(
        this.run,
        'scancel',
        chosen.map((t) => t.jobId),
      );
    return chosen;
  }

  private sbatch(deployment: SlurmDeployment, taskIds: number[]): Promise<string> {
    return submitArray(this.run, path.join(deployment.jobDir, SCRIPT_FILE), taskIds);
  }

  private squeue(name: string): Promise<SlurmTask[]> {
    return queuedTasks(this.run, name, this.user);
  }
}

function checkWorkerCount(workers: number, least = 0): void {
  if (!Number.isInteger(workers) || workers < least || workers > 1000) {
    throw new InputError(`--workers: ${workers} is not a whole number from ${least} to 1000`);
  }
}

export async function readDeployment(jobDir: string): Promise<SlurmDeployment> {
  const file = path.join(jobDir, RECORD_FILE);
  if (!existsSync(file)) {
    throw new InputError(
      `--job-dir: ${jobDir} holds no SLURM deployment — submit one with \`cluster slurm submit\` or name its --job-dir`,
    );
  }
  return JSON.parse(await fs.readFile(file, 'utf8')) as SlurmDeployment;
}

async function readToken(jobDir: string): Promise<string> {
  return (await fs.readFile(path.join(jobDir, TOKEN_FILE), 'utf8')).trim();
}
