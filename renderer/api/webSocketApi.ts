// The renderer API over the dashboard's WebSocket (the browser counterpart of the Electron
// preload): one method per contract command sending {id, command, args} and resolving with the
// reply's value, and `on` for pushed events. The caller opens the socket, so the same code runs
// over the browser's WebSocket and, in tests, over the ws package.
import {
  commandNames,
  commandRequestText,
  type CommandName,
  type CommandOutcome,
  type EventMessage,
  type EventName,
  type EventPayloads,
  type ParquetStreamerApi,
  type ServerMessage,
} from '../../main/api/contract';

/** What the API needs from a connected socket. */
export interface SocketLike {
  isOpen(): boolean;
  send(data: string): void;
}

/** What the socket reports back; `connect` wires these to a real WebSocket. */
export interface SocketEvents {
  opened(): void;
  message(data: string): void;
  failed(): void;
  closed(): void;
}

const REFUSED = 'the dashboard refused the connection — open the exact URL it printed';
const LOST = 'the connection to the dashboard closed — restart it and open the new URL';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * `connect` opens the socket and wires its events. A lost connection rejects every pending and
 * later command and is announced as an error `notice` event, like any engine notice.
 */
export function createWebSocketApi(
  connect: (events: SocketEvents) => SocketLike,
): ParquetStreamerApi {
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let nextId = 1;
  let closedReason: string | null = null;
  let wasOpened = false;
  let markOpened: () => void = () => {};
  let markClosed: (error: Error) => void = () => {};
  const opened = new Promise<void>((resolve, reject) => {
    markOpened = resolve;
    markClosed = reject;
  });
  // a failed connection is reported through every command and a notice
  opened.catch(() => {});

  function deliver(message: ServerMessage): void {
    if ('event' in message) {
      const event: EventMessage = message;
      for (const listener of listeners.get(event.event) ?? []) {
        (listener as (payload: EventMessage['payload']) => void)(event.payload);
      }
      return;
    }
    const request = typeof message.id === 'number' ? pending.get(message.id) : undefined;
    if (!request || typeof message.id !== 'number') return;
    pending.delete(message.id);
    const outcome: CommandOutcome<CommandName> = message.outcome;
    if (outcome.ok) request.resolve(outcome.value);
    else request.reject(new Error(outcome.error));
  }

  const socket = connect({
    opened: () => {
      wasOpened = true;
      markOpened();
    },
    message: (data) => deliver(JSON.parse(data) as ServerMessage),
    failed: () => {
      if (!wasOpened) {
        closedReason ??= REFUSED;
      }
    },
    closed: () => {
      closedReason ??= LOST;
      const error = new Error(closedReason);
      markClosed(error);
      for (const request of pending.values()) request.reject(error);
      pending.clear();
      deliver({ event: 'notice', payload: { level: 'error', message: closedReason } });
    },
  });

  async function call(command: CommandName, args: unknown): Promise<unknown> {
    await opened;
    if (!socket.isOpen()) throw new Error(closedReason ?? LOST);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(commandRequestText(id, command, args));
    });
  }

  const commands = Object.fromEntries(
    commandNames.map((command) => [command, (args: unknown) => call(command, args)]),
  );
  return {
    ...commands,
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => {
        set.delete(listener as (payload: never) => void);
      };
    },
  } as ParquetStreamerApi;
}
