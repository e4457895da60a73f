// The `parquet-streamer` command line: every button of the app has a command here.
// User mistakes end with one line `error: …` and exit code 1, never a stack trace.
import { Command, CommanderError } from 'commander';
import { describeError, isUserError } from '../shared/errors';
import { registerBrokerCommand } from './commands/broker';
import { registerDashboardCommand } from './commands/dashboard';
import { registerDemoDataCommand } from './commands/demoData';
import { registerInspectCommand } from './commands/inspect';
import { registerProduceCommand } from './commands/produce';
import { registerRowsCommand } from './commands/rows';
import { registerRunCommand } from './commands/run';
import { registerTopicCommand } from './commands/topic';
import { registerTransformCommand } from './commands/transform';
import { registerWorkerCommand } from './commands/worker';

// The CLI speaks through its own output; engine logs show from warnings up unless asked.
process.env.PS_LOG_LEVEL ??= 'warn';

export function buildProgram(): Command {
  const program = new Command('parquet-streamer')
    .description('Stream Parquet files into Kafka, transform them with workers, chart the output')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
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
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isUserError(error)) {
      console.error(`error: ${describeError(error)}`);
      return 1;
    }
    console.error(error);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
