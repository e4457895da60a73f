// Spawns, scales, restarts and observes worker child processes — what one terminal per Faust
// worker used to be. Each worker gets its own data dir (<baseDir>/worker<N>) and web port; the
// supervisor learns how they are doing from their /stats endpoint rather than guessing, restarts
// crashed ones with backoff, and emits 'workers' (WorkerInfo[]) at most ~4 times a second.
// Each worker's rows are what its processes reported since they started (a killed process's
// last moments are missing); the group's totals that agree with the output topic are the
// committed totals per partition the workers report (committedCounts).
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import type { WorkerInfo, WorkerState } from '../api/contract';
import { childSecurityEnvironment, clusterSecurity } from '../broker/clusterSecurity';
import { DEFAULT_PRESET } from '../pipelines/presets';
import { EnvironmentError, InputError } from '../shared/errors';
import { createLogger, type Logger, type LogLevel } from '../shared/logger';
import { TrailingThrottle } from '../shared/trailingThrottle';
import { WORKER_EXIT } from '../worker/runWorker';
import { workerArguments } from '../worker/workerOptions';
import { ReportedTotals, type CommittedCounts } from '../worker/committedTallies';
import type { WorkerStatsDocument } from '../worker/workerReport';
import { allocatePort } from './portAllocator';
import {
  DEFAULT_BACKOFF,
  nextCrashCount,
  restartDelayMs,
  type BackoffPolicy,
} from './restartBackoff';
import { withMallocTuning } from '../shared/mallocTuning';
import { ScaleQueue } from './workerPool';
import { WORKER_NODE_FLAGS } from '../worker/workerNodeFlags';

/** The part of a ChildProcess the supervisor uses, so a worker can be another kind of process. */
export interface WorkerChild {
  readonly pid?: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  kill(signal: NodeJS.Signals): boolean;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

/** Starts one worker process running script with args and env. */
export type LaunchWorker = (script: string, args: string[], env: NodeJS.ProcessEnv) => WorkerChild;

/** Node's fork with the worker's stdio: output piped for the log, an IPC channel so it sees us go. */
export const forkWorker: LaunchWorker = (script, args, env) =>
  fork(script, args, {
    execArgv: [...WORKER_NODE_FLAGS],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env,
  });

export interface WorkerSupervisorOptions {
  brokers: string[];
  group: string;
  inputTopic: string;
  outputTopic: string;
  /** worker N keeps its state in <baseDir>/worker<N> */
  baseDir: string;
  /** first web port tried (default 6066); later workers take the next free ones */
  basePort?: number;
  /** address the workers' web ports listen on (default 127.0.0.1) */
  webHost?: string;
  logger?: Logger;
  /** the workers' log level (default info) */
  logLevel?: LogLevel;
  /** where the workers' log lines go (default: this process's stderr, unchanged) */
  workerOutput?: (workerId: string, line: string) => void;
  sessionTimeoutMs?: number;
  /** what every worker does to each row (--transform); default: the workers' default preset */
  transform?: string;
  /** SIGTERM, then SIGKILL after this long (default 20 s) */
  stopTimeoutMs?: number;
  /** how long scaleTo waits for a new worker to join the group (default 60 s) */
  startTimeoutMs?: number;
  pollIntervalMs?: number;
  backoff?: BackoffPolicy;
  /** the worker entry (default: dist/main/worker/workerProcess.js beside this file) */
  workerScript?: string;
  /** how a worker process is started (default: forkWorker; the desktop app hands in its own) */
  launchWorker?: LaunchWorker;
}

interface Counts {
  rowsIn: number;
  rowsOut: number;
}

interface Slot {
  readonly index: number;
  readonly id: string;
  readonly dataDir: string;
  port: number;
  child: WorkerChild | null;
  exited: Promise<void>;
  state: WorkerState;
  /** false once the supervisor decided to stop this worker: it is not restarted */
  wanted: boolean;
  restarts: number;
  crashesInRow: number;
  startedAt: number;
  /** what the running incarnation reported; carried holds earlier incarnations' totals */
  current: Counts;
  carried: Counts;
  partitions: number[];
  lastLines: string[];
  restartTimer: NodeJS.Timeout | null;
  polling: boolean;
  /** why the worker cannot run (its data dir is locked, its options are wrong) */
  fatal: Error | null;
}

export interface WorkerSupervisorEvents {
  workers: [workers: WorkerInfo[]];
}

/** A running worker's own state (its /stats status) as the supervisor reports it. */
const SUPERVISED_STATE: Record<WorkerStatsDocument['status'], WorkerState> = {
  starting: 'starting',
  consuming: 'running',
  reconnecting: 'reconnecting',
  stopping: 'stopping',
};

export class WorkerSupervisor extends EventEmitter<WorkerSupervisorEvents> {
  private readonly slots: Slot[] = [];
  private readonly logger: Logger;
  private readonly throttle: TrailingThrottle;
  private readonly slotChanges = new EventEmitter();
  private readonly pollTimer: NodeJS.Timeout;
  private readonly scaling = new ScaleQueue((n) => this.applyScale(n));
  private portAllocation: Promise<unknown> = Promise.resolve();
  private lastEmitted = '';
  private stopped = false;
  private readonly committed = new ReportedTotals();

  constructor(private readonly options: WorkerSupervisorOptions) {
    super();
    this.logger = options.logger ?? createLogger('supervisor');
    this.throttle = new TrailingThrottle(250, () => this.emitWorkers());
    this.slotChanges.setMaxListeners(0);
    this.pollTimer = setInterval(() => this.pollAll(), options.pollIntervalMs ?? 1_000);
    this.pollTimer.unref();
  }

  /** The group's committed totals, as its workers last reported them (see ReportedTotals). */
  committedCounts(): CommittedCounts {
    return this.committed.totals();
  }

  workers(): WorkerInfo[] {
    return this.slots.map((slot) => ({
      id: slot.id,
      pid: slot.child?.pid ?? null,
      port: slot.port,
      dataDir: slot.dataDir,
      state: slot.state,
      rowsIn: slot.carried.rowsIn + slot.current.rowsIn,
      rowsOut: slot.carried.rowsOut + slot.current.rowsOut,
      restarts: slot.restarts,
      partitions: [...slot.partitions],
    }));
  }

  /**
   * Starts or gracefully stops workers until n run. Resolves once new workers have joined the
   * group (or startTimeoutMs passed) and removed ones have exited; calls run one after another.
   */
  scaleTo(n: number): Promise<WorkerInfo[]> {
    return this.scaling.scaleTo(n);
  }

  /** Stops every worker (SIGTERM, then SIGKILL after stopTimeoutMs); the supervisor is done after. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.pollTimer);
    this.slotChanges.emit('change');
    await Promise.all(this.slots.map((slot) => this.stopSlot(slot)));
    this.slots.length = 0;
    this.throttle.cancel();
    this.emitWorkers();
  }

  private async applyScale(n: number): Promise<WorkerInfo[]> {
    if (this.stopped) throw new InputError('the worker supervisor has been stopped');
    const surplus = this.slots.filter((slot) => slot.index > n);
    if (surplus.length > 0) {
      this.logger.info('stopping workers', { workers: surplus.map((slot) => slot.id) });
      await Promise.all(surplus.map((slot) => this.stopSlot(slot)));
      this.slots.splice(n);
      this.changed();
    }
    const added: Slot[] = [];
    for (let index = this.slots.length + 1; index <= n; index += 1) {
      const slot = this.createSlot(index);
      this.slots.push(slot);
      added.push(slot);
    }
    if (added.length > 0) {
      this.logger.info('starting workers', { workers: added.map((slot) => slot.id) });
      await Promise.all(added.map((slot) => this.launch(slot)));
      await Promise.all(added.map((slot) => this.waitUntilRunning(slot)));
      const failed = added.find((slot) => slot.fatal !== null);
      if (failed) {
        await Promise.all(added.map((slot) => this.stopSlot(slot)));
        this.slots.splice(this.slots.indexOf(added[0]!));
        this.changed();
        throw failed.fatal;
      }
    }
    return this.workers();
  }

  private createSlot(index: number): Slot {
    return {
      index,
      id: `worker${index}`,
      dataDir: path.join(this.options.baseDir, `worker${index}`),
      port: 0,
      child: null,
      exited: Promise.resolve(),
      state: 'starting',
      wanted: true,
      restarts: 0,
      crashesInRow: 0,
      startedAt: 0,
      current: { rowsIn: 0, rowsOut: 0 },
      carried: { rowsIn: 0, rowsOut: 0 },
      partitions: [],
      lastLines: [],
      restartTimer: null,
      polling: false,
      fatal: null,
    };
  }

  /** Picks a port (keeping the slot's previous one when it is still free) and forks the worker. */
  private async launch(slot: Slot, avoidCurrentPort = false): Promise<void> {
    const allocation = this.portAllocation.then(() => {
      const taken = new Set(
        this.slots.filter((other) => other !== slot).map((other) => other.port),
      );
      if (avoidCurrentPort) taken.add(slot.port);
      const preferred =
        slot.port > 0 && !avoidCurrentPort ? slot.port : (this.options.basePort ?? 6066);
      return allocatePort(this.webHost(), preferred, taken);
    });
    this.portAllocation = allocation.catch(() => undefined);
    try {
      slot.port = await allocation;
    } catch (error) {
      slot.fatal = new EnvironmentError(
        `${slot.id}: ${(error as Error).message} — choose another base port`,
      );
      slot.state = 'exited';
      this.changed();
      return;
    }
    if (!slot.wanted || this.stopped) return;
    this.spawn(slot);
  }

  private spawn(slot: Slot): void {
    const { options } = this;
    const args = workerArguments({
      brokers: options.brokers,
      group: options.group,
      inputTopic: options.inputTopic,
      outputTopic: options.outputTopic,
      dataDir: slot.dataDir,
      webPort: slot.port,
      webHost: this.webHost(),
      logLevel: options.logLevel ?? 'info',
      workerId: slot.id,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
      // a pool the app runs waits out a lost broker however long it takes
      reconnectTimeoutMs: null,
      transform: options.transform ?? DEFAULT_PRESET,
    });
    const script = options.workerScript ?? path.join(__dirname, '..', 'worker', 'workerProcess.js');
    const child = (options.launchWorker ?? forkWorker)(
      script,
      args,
      withMallocTuning({
        ...process.env,
        PS_LOG_LEVEL: options.logLevel ?? 'info',
        // secrets travel in the environment, which only this user can read, never in argv
        ...childSecurityEnvironment(clusterSecurity()),
      }),
    );
    slot.child = child;
    slot.state = 'starting';
    slot.startedAt = Date.now();
    slot.current = { rowsIn: 0, rowsOut: 0 };
    slot.partitions = [];
    slot.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.onExit(slot, child, code, signal);
        resolve();
      });
    });
    child.on('error', (error) =>
      this.logger.error('worker process error', { worker: slot.id, error: error.message }),
    );
    const output =
      options.workerOutput ?? ((_id: string, line: string) => process.stderr.write(line + '\n'));
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      readline.createInterface({ input: stream }).on('line', (line) => {
        slot.lastLines.push(line);
        if (slot.lastLines.length > 20) slot.lastLines.shift();
        output(slot.id, line);
      });
    }
    this.logger.info('worker started', {
      worker: slot.id,
      pid: child.pid,
      port: slot.port,
      dataDir: slot.dataDir,
    });
    this.changed();
  }

  private onExit(
    slot: Slot,
    child: WorkerChild,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (slot.child !== child) return;
    slot.child = null;
    slot.carried.rowsIn += slot.current.rowsIn;
    slot.carried.rowsOut += slot.current.rowsOut;
    slot.current = { rowsIn: 0, rowsOut: 0 };
    slot.partitions = [];
    if (!slot.wanted || this.stopped) {
      slot.state = 'exited';
      this.logger.info('worker stopped', { worker: slot.id, code, signal });
      this.changed();
      return;
    }
    const lastError = [...slot.lastLines].reverse().find((line) => line.startsWith('error: '));
    if (code === WORKER_EXIT.portInUse) {
      this.logger.warn('worker port was taken; starting it on another port', {
        worker: slot.id,
        port: slot.port,
      });
      void this.launch(slot, true);
      return;
    }
    if (code === WORKER_EXIT.dataDirLocked || code === WORKER_EXIT.badInput) {
      const message = `${slot.id}: ${lastError?.slice('error: '.length) ?? `exited with code ${code}`}`;
      slot.fatal =
        code === WORKER_EXIT.badInput ? new InputError(message) : new EnvironmentError(message);
      slot.state = 'exited';
      this.logger.error('worker cannot run', { worker: slot.id, reason: message });
      this.changed();
      return;
    }
    slot.crashesInRow = nextCrashCount(
      slot.crashesInRow,
      Date.now() - slot.startedAt,
      this.backoff(),
    );
    const delay = restartDelayMs(slot.crashesInRow, this.backoff());
    slot.restarts += 1;
    slot.state = 'restarting';
    this.logger.warn('worker exited; restarting', {
      worker: slot.id,
      code,
      signal,
      inMs: delay,
      lastError,
    });
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null;
      if (slot.wanted && !this.stopped) void this.launch(slot);
    }, delay);
    this.changed();
  }

  private async stopSlot(slot: Slot): Promise<void> {
    slot.wanted = false;
    if (slot.restartTimer) clearTimeout(slot.restartTimer);
    slot.restartTimer = null;
    const child = slot.child;
    if (!child) {
      slot.state = 'exited';
      this.changed();
      return;
    }
    slot.state = 'stopping';
    this.changed();
    child.kill('SIGTERM');
    if (await settlesWithin(slot.exited, this.options.stopTimeoutMs ?? 20_000)) return;
    this.logger.warn('worker did not stop in time; killing it', {
      worker: slot.id,
      pid: child.pid,
    });
    child.kill('SIGKILL');
    await settlesWithin(slot.exited, 5_000);
  }

  private async waitUntilRunning(slot: Slot): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    const done = () =>
      slot.state === 'running' || slot.fatal !== null || !slot.wanted || this.stopped;
    const settled = await new Promise<boolean>((resolve) => {
      if (done()) return resolve(true);
      const onChange = () => {
        if (!done()) return;
        cleanup();
        resolve(true);
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(false);
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.slotChanges.off('change', onChange);
      };
      this.slotChanges.on('change', onChange);
    });
    if (!settled) {
      this.logger.warn('worker has not joined the group yet', {
        worker: slot.id,
        afterMs: timeoutMs,
        state: slot.state,
      });
    }
  }

  private pollAll(): void {
    for (const slot of this.slots) {
      if (slot.child && !slot.polling) void this.poll(slot, slot.child);
    }
  }

  /** Reads the worker's /stats: rows, partitions and whether it is consuming yet. */
  private async poll(slot: Slot, child: WorkerChild): Promise<void> {
    slot.polling = true;
    try {
      const response = await fetch(`http://${this.pollHost()}:${slot.port}/stats`, {
        signal: AbortSignal.timeout(900),
      });
      const stats = (await response.json()) as WorkerStatsDocument;
      if (slot.child !== child || stats.pid !== child.pid) return;
      slot.current = { rowsIn: stats.rowsIn, rowsOut: stats.rowsOut };
      slot.partitions = stats.partitions;
      this.committed.note(stats.committed);
      if (slot.state !== 'stopping') {
        slot.state = SUPERVISED_STATE[stats.status];
      }
      this.changed();
    } catch {
      // not listening yet, or busy: the next poll asks again
    } finally {
      slot.polling = false;
    }
  }

  private changed(): void {
    this.slotChanges.emit('change');
    this.throttle.request();
  }

  private emitWorkers(): void {
    const workers = this.workers();
    const serialized = JSON.stringify(workers);
    if (serialized === this.lastEmitted) return;
    this.lastEmitted = serialized;
    this.emit('workers', workers);
  }

  private webHost(): string {
    return this.options.webHost ?? '127.0.0.1';
  }

  private pollHost(): string {
    const host = this.webHost();
    if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
    return host.includes(':') ? `[${host}]` : host;
  }

  private backoff(): BackoffPolicy {
    return this.options.backoff ?? DEFAULT_BACKOFF;
  }
}

/** true when the promise settled before the timeout */
async function settlesWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
  );
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
