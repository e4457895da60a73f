// The renderer's API over an engine bridge (the preload's, or the dashboard's WebSocket): one
// method per contract command that resolves with the command's value or rejects with a
// CommandError carrying the failure's one line and the field it is about.
import {
  commandNames,
  type CommandFailure,
  type EngineBridge,
  type ParquetStreamerApi,
} from '../../main/api/contract';

/** A failed command; `field` names the argument it is about, when there is one. */
export class CommandError extends Error {
  readonly field: CommandFailure['field'];
  constructor(failure: CommandFailure) {
    super(failure.error);
    this.name = 'CommandError';
    this.field = failure.field;
  }
}

export function engineApi(bridge: EngineBridge): ParquetStreamerApi {
  const commands = Object.fromEntries(
    commandNames.map((command) => [
      command,
      async (args: unknown) => {
        const outcome = await bridge.invoke(command, args);
        if (outcome.ok) return outcome.value;
        throw new CommandError(outcome);
      },
    ]),
  );
  return {
    ...commands,
    on: (event, listener) => bridge.on(event, listener),
  } as ParquetStreamerApi;
}
