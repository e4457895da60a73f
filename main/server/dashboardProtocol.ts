// The dashboard's WebSocket messages (types only, so the renderer can share them): the page sends
// {id, command, args}, the server answers {id, outcome} and pushes {event, payload}.
import type { CommandName, CommandOutcome, EventName, EventPayloads } from '../api/contract';

export interface CommandRequest {
  id: number;
  command: CommandName;
  args: unknown;
}

export interface CommandReply {
  /** the request's id; null when the request was too malformed to carry one */
  id: number | string | null;
  outcome: CommandOutcome<CommandName>;
}

export type EventMessage = { [E in EventName]: { event: E; payload: EventPayloads[E] } }[EventName];

export type ServerMessage = CommandReply | EventMessage;
