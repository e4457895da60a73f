// `parquet-streamer worker`: one worker in the foreground, the replacement for
// `faust --datadir=./worker1 -A app -l info worker --web-port=6066`. It runs the same on any
// machine that reaches the cluster and joins the same consumer group as the app's workers.
import type { Command } from 'commander';
import { exitCodeFor, printError, runWorker } from '../../worker/runWorker';
import {
  addWorkerOptions,
  workerOptionsFrom,
  type WorkerOptions,
} from '../../worker/workerOptions';

export function registerWorkerCommand(program: Command): void {
  const command = program
    .command('worker')
    .description('run one worker: consume --input, transform, write --output exactly once')
    .addHelpText(
      'after',
      `
Example (two workers, like two Faust terminals):
  parquet-streamer worker --brokers 127.0.0.1:9092 --group app --input parking --output boroughs \\
    --data-dir ./worker1 --web-port 6066
  parquet-streamer worker --brokers 127.0.0.1:9092 --group app --input parking --output boroughs \\
    --data-dir ./worker2 --web-port 6067
Then: curl http://127.0.0.1:6066/stats`,
    );
  addWorkerOptions(command).action(async (raw: Record<string, unknown>) => {
    let options: WorkerOptions;
    try {
      options = workerOptionsFrom(raw);
    } catch (error) {
      printError(error);
      process.exit(exitCodeFor(error));
    }
    process.exit(await runWorker(options));
  });
}
