// Runs one worker until SIGTERM/SIGINT (or a fatal error) and returns the exit code. Shared by
// `parquet-streamer worker` and the child-process entry the supervisor forks. The transform is
// resolved first, so a bad one ends the worker (exit code 2) before it joins the group. A
// failure is one line on stderr; the exit code tells the supervisor what kind of failure it was.
import { useClusterSecurity } from '../broker/clusterSecurity';
import type { CompiledTransform } from '../pipelines/pipeline';
import { loadTransform } from '../pipelines/transformSource';
import { describeError, EXIT_CODE, InputError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';
import { DataDirLockedError } from './dataDirLock';
import { Worker } from './worker';
import type { WorkerOptions } from './workerOptions';
import { PortInUseError } from './workerWebServer';

/** EXIT_CODE's rule, with two codes the supervisor acts on; any other failure is 1. */
export const WORKER_EXIT = {
  ok: EXIT_CODE.ok,
  failed: EXIT_CODE.environment,
  badInput: EXIT_CODE.input,
  portInUse: 3,
  dataDirLocked: 4,
} as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof PortInUseError) return WORKER_EXIT.portInUse;
  if (error instanceof DataDirLockedError) return WORKER_EXIT.dataDirLocked;
  if (error instanceof InputError) return WORKER_EXIT.badInput;
  return WORKER_EXIT.failed;
}

export function printError(error: unknown): void {
  process.stderr.write(`error: ${describeError(error)}\n`);
}

export interface RunWorkerHooks {
  /** extra conditions that stop the worker, e.g. the supervisor's IPC channel closing */
  onStopRequest?: (stop: (reason: string) => void) => void;
}

export async function runWorker(
  options: WorkerOptions,
  hooks: RunWorkerHooks = {},
): Promise<number> {
  process.env.PS_LOG_LEVEL = options.logLevel;
  if (options.security) useClusterSecurity(options.security);
  const logger = createLogger(`worker.${options.workerId}`);
  let transform: CompiledTransform;
  try {
    transform = await workerTransform(options.transform, logger);
  } catch (error) {
    printError(error);
    return exitCodeFor(error);
  }
  const worker = new Worker(options, transform, logger);
  let exitCode: number = WORKER_EXIT.ok;
  let stopReason: string | null = null;
  let wake: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => (wake = resolve));
  const requestStop = (reason: string, code: number = WORKER_EXIT.ok) => {
    if (stopReason !== null) return;
    stopReason = reason;
    exitCode = code;
    wake();
  };
  const onSignal = (signal: NodeJS.Signals) => requestStop(signal);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  hooks.onStopRequest?.(requestStop);
  worker.on('fatal', (error) => {
    printError(error);
    requestStop('fatal error', exitCodeFor(error));
  });
  try {
    const started = worker.start();
    const first = await Promise.race([
      started.then(() => 'started' as const),
      stopRequested.then(() => 'stop' as const),
    ]);
    // A signal during start-up: let start finish (each wait there is bounded), then stop cleanly.
    if (first === 'stop') await started;
    else
      logger.info('worker running', {
        pid: process.pid,
        web: `http://${options.webHost}:${worker.web.boundPort()}/`,
      });
  } catch (error) {
    if (stopReason === null || exitCode === WORKER_EXIT.ok) printError(error);
    return exitCode !== WORKER_EXIT.ok ? exitCode : exitCodeFor(error);
  }
  await stopRequested;
  logger.info('stopping', { reason: stopReason });
  try {
    await worker.stop();
  } catch (error) {
    printError(error);
    return WORKER_EXIT.failed;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  logger.info('stopped', { sinceStart: worker.stats.sinceStart });
  return exitCode;
}

/** The compiled transform `--transform` names; its row errors go to the log (a few per step). */
async function workerTransform(reference: string, logger: Logger): Promise<CompiledTransform> {
  const { transform } = await loadTransform(reference, {
    onRowError: ({ step, type, message, row }) =>
      logger.warn('a transform step could not handle a row', { step, type, error: message, row }),
  });
  return transform;
}
