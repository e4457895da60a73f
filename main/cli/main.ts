// The `parquet-streamer` command line: every button of the app has a command here.
// User mistakes end with one line `error: …`, never a stack trace; exit codes follow EXIT_CODE.
import { Command, CommanderError } from 'commander';
import { describeError, EXIT_CODE, exitCodeOf, isUserError } from '../shared/errors';
import { registerBrokerCommand } from './commands/broker';
import { registerClusterSlurmCommand } from './commands/clusterSlurm';
import { registerDashboardCommand } from './commands/dashboard';
import { registerDemoDataCommand } from './commands/demoData';
import { registerInspectCommand } from './commands/inspect';
import { registerProduceCommand } from './commands/produce';
import { registerRowsCommand } from './commands/rows';
import { registerRunCommand } from './commands/run';
import { registerStorageCommand } from './commands/storage';
import { registerTopicCommand } from './commands/topic';
import { registerTransformCommand } from './commands/transform';
import { registerWorkerCommand } from './commands/worker';

// The CLI speaks through its own output; engine logs show from warnings up unless asked.
process.env.PS_LOG_LEVEL ??= 'warn';

export function buildProgram(): Command {
  const program = new Command('parquet-streamer')
    .description('Stream Parquet files into Kafka, transform them with workers, chart the output')
    // a usage mistake is one line too: commander's `error: …` with the hint on the same line
    .configureOutput({
      outputError: (text, write) => write(`${text.trimEnd()} (add --help for usage)\n`),
    })
    .exitOverride()
    // a command's options follow its name (`storage clean --data-dir X` is clean's --data-dir)
    .enablePositionalOptions();
  registerBrokerCommand(program);
  registerTopicCommand(program);
  registerInspectCommand(program);
  registerRowsCommand(program);
  registerTransformCommand(program);
  registerDemoDataCommand(program);
  registerProduceCommand(program);
  registerWorkerCommand(program);
  registerRunCommand(program);
  registerDashboardCommand(program);
  registerStorageCommand(program);
  registerClusterSlurmCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    // a command that finished but found a fault (run's check) has set its code
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODE.ok;
  } catch (error) {
    // commander has printed its own line (an unknown flag, a missing argument) or the help
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_CODE.input;
    if (isUserError(error)) console.error(`error: ${describeError(error)}`);
    else console.error(error);
    return exitCodeOf(error);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
