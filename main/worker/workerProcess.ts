// Child-process entry for one worker: `node workerProcess.js --brokers … --group … --data-dir …
// --web-port …` (the supervisor forks it; in Electron, fork runs it as plain Node). Takes the same
// flags as `parquet-streamer worker` and stops cleanly when its parent goes away.
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
  return runWorker(options, {
    onStopRequest: (stop) => process.once('disconnect', () => stop('parent process disconnected')),
  });
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
