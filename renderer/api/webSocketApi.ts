// The renderer API over the dashboard's WebSocket (the browser counterpart of the Electron
// preload): an engine bridge sending {id, command, args} and resolving with the reply's outcome,
// and `on` for pushed events, turned into the API by engineApi. The caller opens the socket, so
// the same code runs over the browser's WebSocket and, in tests, over the ws package.
import {
  commandRequestText,
  type CommandName,
  type CommandOutcome,
  type EngineBridge,
  type EventMessage,
  type EventName,
  type EventPayloads,
  type ParquetStreamerApi,
  type ServerMessage,
} from '../../main/api/contract';
import { engineApi } from './engineApi';

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

type Pending = (outcome: CommandOutcome<CommandName>) => void;

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
  // commands wait until the socket opened or closed; a closed one answers each with the reason
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  function deliver(message: ServerMessage): void {
    if ('event' in message) {
      const event: EventMessage = message;
      for (const listener of listeners.get(event.event) ?? []) {
        (listener as (payload: EventMessage['payload']) => void)(event.payload);
      }
      return;
    }
    const settle = typeof message.id === 'number' ? pending.get(message.id) : undefined;
    if (!settle || typeof message.id !== 'number') return;
    pending.delete(message.id);
    settle(message.outcome);
  }

  const socket = connect({
    opened: () => {
      wasOpened = true;
      markReady();
    },
    message: (data) => deliver(JSON.parse(data) as ServerMessage),
    failed: () => {
      if (!wasOpened) {
        closedReason ??= REFUSED;
      }
    },
    closed: () => {
      closedReason ??= LOST;
      markReady();
      for (const settle of pending.values()) settle({ ok: false, error: closedReason });
      pending.clear();
      deliver({ event: 'notice', payload: { level: 'error', message: closedReason } });
    },
  });

  async function invoke(command: CommandName, args: unknown): Promise<CommandOutcome<CommandName>> {
    await ready;
    if (!socket.isOpen()) return { ok: false, error: closedReason ?? LOST };
    const id = nextId++;
    return new Promise((settle) => {
      pending.set(id, settle);
      socket.send(commandRequestText(id, command, args));
    });
  }

  const bridge: EngineBridge = {
    invoke,
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => {
        set.delete(listener as (payload: never) => void);
      };
    },
  };
  return engineApi(bridge);
}
