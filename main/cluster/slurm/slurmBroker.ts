// The Kafka broker as a SLURM job: start writes the job dir (batch script, record, logs) and
// submits it as an array of one task, so the workers' squeue reading serves it; status joins
// squeue's task with the bootstrap address the running broker wrote into the job dir; stop
// cancels it (SIGTERM: Kafka shuts down cleanly) and waits until it has left the queue.
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BrokerAddress } from '../../broker/localBroker';
import { writeJsonAtomically } from '../../shared/atomicJson';
import { EnvironmentError, InputError } from '../../shared/errors';
import { queuedTasks, slurmOutput, submitArray, type SlurmRunner } from './slurmCommand';
import { isActive, type SlurmTask } from './squeueTasks';
import {
  ADDRESS_FILE,
  BROKER_SCRIPT_FILE,
  brokerJobScript,
  checkBrokerJobSpec,
  type BrokerJobSpec,
} from './brokerJobScript';
import { taskLogFile } from './workerArrayScript';

const RECORD_FILE = 'broker-job.json';

export interface BrokerJobStatus extends SlurmTask {
  /** the host:port clients pass as --brokers, once the broker answers (null before) */
  bootstrap: string | null;
  /** the job's stdout and stderr */
  logFile: string;
  /** the log dir as the user gave it ($USER unexpanded) */
  logDir: string;
}

export class SlurmBroker {
  constructor(
    private readonly run: SlurmRunner,
    private readonly user: string = os.userInfo().username,
    private readonly pollMs = 1_000,
  ) {}

  /** Writes the job dir and submits the job; refuses while the name has a live one. */
  async start(spec: BrokerJobSpec): Promise<string> {
    checkBrokerJobSpec(spec);
    const live = (await queuedTasks(this.run, spec.name, this.user)).filter(isActive);
    if (live.length > 0) {
      throw new InputError(
        `--name: ${spec.name} is already in the queue as job ${live[0]!.jobId} — stop it, or choose another --name`,
      );
    }
    await fs.mkdir(path.join(spec.jobDir, 'logs'), { recursive: true });
    await fs.rm(path.join(spec.jobDir, ADDRESS_FILE), { force: true });
    const script = path.join(spec.jobDir, BROKER_SCRIPT_FILE);
    await fs.writeFile(script, brokerJobScript(spec), { mode: 0o700 });
    await writeJsonAtomically(path.join(spec.jobDir, RECORD_FILE), spec);
    return submitArray(this.run, script, [0]);
  }

  /** The job in the queue with its bootstrap address, or null when it is not in the queue. */
  async status(jobDir: string): Promise<BrokerJobStatus | null> {
    const spec = await readBrokerJob(jobDir);
    const tasks = await queuedTasks(this.run, spec.name, this.user);
    const task = tasks.find(isActive) ?? tasks[0];
    if (!task) return null;
    const address = task.state === 'RUNNING' ? await readAddress(jobDir) : null;
    return {
      ...task,
      bootstrap: address ? address.brokers.join(',') : null,
      logFile: taskLogFile(jobDir, task.arrayJobId, task.taskId),
      logDir: spec.logDir,
    };
  }

  /** Cancels the job and waits (up to timeoutMs) until it has left the queue. */
  async stop(jobDir: string, timeoutMs = 120_000): Promise<SlurmTask[]> {
    const spec = await readBrokerJob(jobDir);
    const tasks = await queuedTasks(this.run, spec.name, this.user);
    if (tasks.length === 0) return [];
    await slurmOutput(
      this.run,
      'scancel',
      tasks.map((task) => task.jobId),
    );
    const deadline = Date.now() + timeoutMs;
    while ((await queuedTasks(this.run, spec.name, this.user)).length > 0) {
      if (Date.now() >= deadline) {
        throw new EnvironmentError(
          `the broker job ${tasks[0]!.jobId} is still in the queue after ${timeoutMs / 1000} s — see ${taskLogFile(jobDir, tasks[0]!.arrayJobId, 0)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
    return tasks;
  }
}

export async function readBrokerJob(jobDir: string): Promise<BrokerJobSpec> {
  const file = path.join(jobDir, RECORD_FILE);
  if (!existsSync(file)) {
    throw new InputError(
      `--job-dir: ${jobDir} holds no SLURM broker job — start one with \`cluster slurm broker start\` or name its --job-dir`,
    );
  }
  return JSON.parse(await fs.readFile(file, 'utf8')) as BrokerJobSpec;
}

async function readAddress(jobDir: string): Promise<BrokerAddress | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(jobDir, ADDRESS_FILE), 'utf8')) as BrokerAddress;
  } catch {
    return null;
  }
}
