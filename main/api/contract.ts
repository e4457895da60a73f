// The one contract between the renderer and the engine. The Electron preload (IPC) and the
// browser dashboard (WebSocket) both serve exactly these commands and events, so a renamed
// command fails the type check on both sides. Arguments are validated with these schemas where
// they enter the engine; inside the engine the types are trusted.
import { z } from 'zod';
import { producerSettingsSchema } from '../producer/producerSettings';

const topicName = z
  .string()
  .min(1, 'topic name is empty')
  .max(249, 'topic name is longer than 249 characters')
  .regex(/^[a-zA-Z0-9._-]+$/, 'topic names may use letters, digits, ".", "_" and "-" only');

export const streamConfigSchema = z.object({
  /** a Parquet file or a folder of Parquet parts, on the machine that runs the engine */
  path: z.string().min(1, 'choose a Parquet file or folder'),
  inputTopic: topicName,
  outputTopic: topicName,
  partitions: z.number().int().min(1).max(1000),
  workers: z.number().int().min(0).max(64),
  ...producerSettingsSchema.shape,
});
export type StreamConfig = z.infer<typeof streamConfigSchema>;
export type { ProducerSettings } from '../producer/producerSettings';

/** Command name → argument schema. The response types are in CommandResults below. */
export const commandSchemas = {
  getSnapshot: z.object({}),
  startBroker: z.object({}),
  stopBroker: z.object({}),
  pickDataset: z.object({}),
  openDataset: z.object({ path: z.string().min(1, 'choose a Parquet file or folder') }),
  createDemoDataset: z.object({ rows: z.number().int().min(1).max(50_000_000) }),
  startStream: streamConfigSchema,
  pauseStream: z.object({}),
  resumeStream: z.object({}),
  stopStream: z.object({}),
  scaleWorkers: z.object({ count: z.number().int().min(0).max(64) }),
} as const;
export type CommandName = keyof typeof commandSchemas;
export type CommandArgs<C extends CommandName> = z.infer<(typeof commandSchemas)[C]>;
export const commandNames = Object.keys(commandSchemas) as CommandName[];

export type BrokerState =
  'absent' | 'provisioning' | 'starting' | 'ready' | 'stopping' | 'stopped' | 'failed' | 'external';

export interface BrokerStatus {
  state: BrokerState;
  /** host:port list clients use, when known */
  brokers: string[];
  /** provisioning progress 0..1, when known */
  progress?: number;
  /** failure reason or a short description of what is happening */
  detail?: string;
  /** last lines of the broker's log when it failed */
  logTail?: string[];
}

export interface FieldInfo {
  name: string;
  type: string;
  nullable: boolean;
}

export interface DatasetSummary {
  path: string;
  files: number;
  rows: number;
  rowGroups: number;
  sizeBytes: number;
  fields: FieldInfo[];
  /** the first rows exactly as they would be sent (JSON objects) */
  preview: Record<string, unknown>[];
}

export type StreamState =
  'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'done' | 'failed';

export interface StreamProgress {
  state: StreamState;
  inputTopic: string | null;
  outputTopic: string | null;
  rowsTotal: number;
  rowsAcked: number;
  rowsPerSecond: number;
  etaSeconds: number | null;
  detail?: string;
  /** the stream option a failure is about (its message names it as the CLI flag) */
  field?: keyof StreamConfig;
}

export type WorkerState = 'starting' | 'running' | 'stopping' | 'exited' | 'restarting';

export interface WorkerInfo {
  id: string;
  pid: number | null;
  port: number;
  dataDir: string;
  state: WorkerState;
  /** input rows this worker has consumed */
  rowsIn: number;
  /** output rows it has produced */
  rowsOut: number;
  restarts: number;
  partitions: number[];
}

export interface BoxPlotData {
  /** borough → temperatures over the rolling window, in arrival order */
  series: Record<string, number[]>;
  windowSize: number;
  rowsSeen: number;
}

export interface Snapshot {
  broker: BrokerStatus;
  dataset: DatasetSummary | null;
  stream: StreamProgress;
  workers: WorkerInfo[];
  chart: BoxPlotData;
  /** true only inside Electron: "Browse…" opens a native file dialog */
  nativeDialogs: boolean;
}

export interface CommandResults {
  getSnapshot: Snapshot;
  startBroker: BrokerStatus;
  stopBroker: BrokerStatus;
  /** the chosen path, or null when the user cancelled or no dialog exists */
  pickDataset: string | null;
  openDataset: DatasetSummary;
  createDemoDataset: DatasetSummary;
  startStream: StreamProgress;
  pauseStream: StreamProgress;
  resumeStream: StreamProgress;
  stopStream: StreamProgress;
  scaleWorkers: WorkerInfo[];
}

/** Event name → payload, pushed from the engine to every connected renderer. */
export interface EventPayloads {
  brokerStatus: BrokerStatus;
  streamProgress: StreamProgress;
  workers: WorkerInfo[];
  boxPlot: BoxPlotData;
  /** a one-line error for the user; the app keeps running */
  notice: { level: 'info' | 'error'; message: string };
}
export type EventName = keyof EventPayloads;
export const eventNames: EventName[] = [
  'brokerStatus',
  'streamProgress',
  'workers',
  'boxPlot',
  'notice',
];

/** What the renderer sees as `window.parquetStreamer` (preload) or builds over a WebSocket. */
export type ParquetStreamerApi = {
  [C in CommandName]: (args: CommandArgs<C>) => Promise<CommandResults[C]>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
};

/** The result of a command over either transport: errors travel as one-line messages. */
export type CommandOutcome<C extends CommandName> =
  { ok: true; value: CommandResults[C] } | { ok: false; error: string };

/** What the engine implements; the IPC and WebSocket hosts call it after validating args. */
export type CommandHandlers = {
  [C in CommandName]: (args: CommandArgs<C>) => Promise<CommandResults[C]>;
};

/** Validates raw arguments; returns a one-line error naming the field on failure. */
export function parseCommandArgs<C extends CommandName>(
  command: C,
  raw: unknown,
): { ok: true; args: CommandArgs<C> } | { ok: false; error: string } {
  const schema = commandSchemas[command];
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, args: parsed.data as CommandArgs<C> };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'arguments';
  return { ok: false, error: `${command}: ${field}: ${issue?.message ?? 'invalid'}` };
}

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commandSchemas, name);
}

/** A listener for every engine event; the transports forward these to their renderers. */
export type EventListener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

/** The engine as the transports (IPC, WebSocket) see it. */
export interface EngineHost {
  handlers: CommandHandlers;
  /** subscribe to every event; returns the unsubscribe function */
  subscribe(listener: EventListener): () => void;
}
