// Child-process entry for one worker: `node workerProcess.js --brokers … --group … --data-dir …
// --web-port …` (the supervisor forks it; the desktop app starts it as an Electron utility
// process). Takes the same flags as `parquet-streamer worker` and stops cleanly on SIGTERM or
// when its parent goes away.
import { Command } from 'commander';
import { InputError } from '../shared/errors';
import { printError, runWorker, WORKER_EXIT } from './runWorker';
import { addWorkerOptions, workerOptionsFrom } from './workerOptions';

async function main(argv: string[]): Promise<number> {
  const program = addWorkerOptions(new Command('parquet-streamer-worker'))
    .description('one Parquet Streamer worker (normally started by the supervisor)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  let options;
  try {
    program.parse(argv);
    options = workerOptionsFrom(program.opts());
  } catch (error) {
    if (error instanceof InputError) printError(error);
    const commanderCode = (error as { exitCode?: number }).exitCode;
    return commanderCode === 0 ? WORKER_EXIT.ok : WORKER_EXIT.badInput;
  }
  return runWorker(options, { onStopRequest: stopWhenParentGoes });
}

/** How long a utility process worker waits between checks that its parent is alive. */
const PARENT_CHECK_MS = 1_000;

/**
 * A forked worker stops when its IPC channel disconnects. A utility process has no such event
 * (its parentPort only emits 'message'), so it watches its parent pid instead: when the app
 * dies the worker is re-parented and process.ppid changes.
 */
function stopWhenParentGoes(stop: (reason: string) => void): void {
  if (process.send) {
    process.once('disconnect', () => stop('parent process disconnected'));
    return;
  }
  if (!(process as { parentPort?: unknown }).parentPort) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop('parent process exited');
  }, PARENT_CHECK_MS);
  timer.unref();
}

if (require.main === module) {
  main(process.argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      printError(error);
      process.exit(WORKER_EXIT.failed);
    },
  );
}
