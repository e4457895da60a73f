// The one contract between the renderer and the engine. The Electron preload (IPC) and the
// browser dashboard (WebSocket) both serve exactly these commands and events, so a renamed
// command fails the type check on both sides. Arguments are validated with these schemas where
// they enter the engine; inside the engine the types are trusted. The transports' own shapes —
// the IPC channel names and the WebSocket envelope — are at the end of this file, so the
// renderer, the preload and both hosts import every message shape from here and nowhere else.
import { z } from 'zod';
import type { Row, StepTally } from '../pipelines/pipeline';
import { transformReferenceSchema } from '../pipelines/transformSpec';
import { topicNameSchema as topicName } from '../shared/topicName';
import type { ChartData } from '../charts/chartData';
import type { PipelineRates } from '../charts/pipelineRates';
import { chartListSchema, type ChartSpec, type OutputField } from '../charts/chartSpec';
import { producerSettingsSchema } from '../producer/producerSettings';
import { slurmSettingsSchema } from '../cluster/slurm/slurmSettings';
import type { FolderListing } from './folderBrowser';

export type { BoxStats, ChartData, ChartFigure, PointSeries } from '../charts/chartData';
export {
  workerRates,
  type PipelineRates,
  type TimeSeries,
  type WorkerRate,
} from '../charts/pipelineRates';
export {
  chartAggregates,
  chartFieldRoles,
  chartSpecSchema,
  chartTypes,
  DEFAULT_WINDOW_ROWS,
  MAX_CHARTS,
  MAX_WINDOW_ROWS,
  type ChartAggregate,
  type ChartSpec,
  type ChartType,
  type ChartWindow,
  type OutputField,
  type OutputFieldType,
} from '../charts/chartSpec';

export type { FolderEntry, FolderListing } from './folderBrowser';
export { DEFAULT_PRESET, findPreset, PRESETS, type TransformPreset } from '../pipelines/presets';
export {
  CONDITION_OPS,
  STEP_TYPES,
  type TransformReference,
  type TransformSpec,
  type TransformStep,
} from '../pipelines/transformSpec';

export const streamConfigSchema = z.object({
  /** a Parquet file or a folder of Parquet parts, on the machine that runs the engine */
  path: z.string().min(1, 'choose a Parquet file or folder'),
  inputTopic: topicName,
  outputTopic: topicName,
  partitions: z.number().int().min(1).max(1000),
  workers: z.number().int().min(0).max(64),
  ...producerSettingsSchema.shape,
  /** what the workers do to each row: a preset, a spec or module path, or a spec object */
  transform: transformReferenceSchema.optional(),
  /** this machine (default) or a SLURM cluster, with the SLURM options */
  ...slurmSettingsSchema.shape,
});
export type StreamConfig = z.infer<typeof streamConfigSchema>;
export type { ProducerSettings } from '../producer/producerSettings';
export { WORKER_HOSTS, type WorkerHost } from '../cluster/slurm/slurmSettings';

/** The app's connection form: Kafka client settings for an existing, possibly secured cluster. */
export const clusterConnectionSchema = z.object({
  bootstrapServers: z.string().trim().min(1, 'give host:port,… of the cluster'),
  securityProtocol: z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']),
  saslMechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** absolute path of a PEM CA file on the engine's machine; empty: the system's CAs */
  caFile: z.string().optional(),
});
export type ClusterConnection = z.infer<typeof clusterConnectionSchema>;
/**
 * What the app remembers between launches, in the engine's settings file (so the desktop app and
 * the dashboard share it). Every part is optional: a part never saved is the app's default.
 */
export const appSettingsSchema = z.object({
  /** the dataset last opened; reopened at launch */
  datasetPath: z.string().min(1).optional(),
  /** the stream form: topics, partitions and producer settings */
  stream: streamConfigSchema.omit({ path: true, workers: true, transform: true }).optional(),
  /** the worker slider */
  workers: z.number().int().min(0).max(64).optional(),
  /** the transform as the Processing step holds it: opaque JSON, its shape is the builder's */
  transform: z.json().optional(),
  /** the charts and, as JSON, the transform they were made for (a stream with it keeps them) */
  charts: chartListSchema.optional(),
  chartsTransform: z.string().optional(),
});
export type AppSettings = z.infer<typeof appSettingsSchema>;
/** The form's settings as the engine keeps them between runs: without the password. */
export type SavedConnection = Omit<ClusterConnection, 'password'>;

/** Command name → argument schema. The response types are in CommandResults below. */
export const commandSchemas = {
  getSnapshot: z.object({}),
  startBroker: z.object({}),
  stopBroker: z.object({}),
  /** connects with the form's settings and lists the cluster's brokers; changes nothing */
  testConnection: clusterConnectionSchema,
  /** the form's saved settings and whether its password is saved (never the password) */
  savedConnection: z.object({}),
  /** the next streams use this cluster; saves the settings, the password only where safe */
  useCluster: clusterConnectionSchema,
  /** the next streams use the local (embedded) broker again */
  useLocalBroker: z.object({}),
  pickDataset: z.object({}),
  openDataset: z.object({ path: z.string().min(1, 'choose a Parquet file or folder') }),
  createDemoDataset: z.object({ rows: z.number().int().min(1).max(50_000_000) }),
  startStream: streamConfigSchema,
  pauseStream: z.object({}),
  resumeStream: z.object({}),
  stopStream: z.object({}),
  scaleWorkers: z.object({ count: z.number().int().min(0).max(64) }),
  /** runs a transform over the open dataset's first `limit` rows (default 100) */
  previewTransform: z.object({
    transform: transformReferenceSchema,
    limit: z.number().int().min(1).max(10_000).optional(),
  }),
  /** the dashboard's file browser: one folder under the user's home (default: home itself) */
  listFolder: z.object({ path: z.string().optional() }),
  /** the charts to show, in order: adds, edits, removes and reorders them, while streaming too */
  setCharts: z.object({ charts: chartListSchema }),
  /** one chart's window as CSV (a header, then one column per field of the chart) */
  chartCsv: z.object({ id: z.string().min(1, 'name a chart') }),
  /** merges the given parts into the saved settings (a part given replaces that part) */
  saveSettings: appSettingsSchema.omit({ chartsTransform: true }),
  /** desktop app only: asks for a folder and writes the files into it */
  saveExportFiles: z.object({
    files: z
      .array(
        z.object({
          name: z
            .string()
            .regex(/^[\w][\w .-]{0,150}$/, 'file names are letters, digits, " ", ".", "_", "-"'),
          base64: z.string().max(64 * 1024 * 1024, 'a file is larger than 48 MB'),
        }),
      )
      .min(1, 'nothing to export')
      .max(200),
  }),
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
  /** each node of the local broker, when it is known */
  nodes?: BrokerNodeStatus[];
}

/**
 * One node of the local broker: `up` answers with every replica in sync, `catching-up` answers
 * but is behind on `behind` partitions, `starting` runs but is not in the cluster yet, `down`
 * has no process.
 */
export interface BrokerNodeStatus {
  nodeId: number;
  address: string;
  state: 'up' | 'catching-up' | 'starting' | 'down';
  pid?: number;
  behind?: number;
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
  /** the transform the stream's workers run: a preset or file name, or the spec's name */
  transform?: string;
}

/** reconnecting: the worker process runs and waits for a lost broker to come back */
export type WorkerState =
  'starting' | 'running' | 'reconnecting' | 'stopping' | 'exited' | 'restarting';

export interface WorkerInfo {
  id: string;
  pid: number | null;
  port: number;
  /** the node a SLURM worker runs on (absent: this machine) */
  host?: string;
  dataDir: string;
  state: WorkerState;
  /** input rows this worker's processes committed, as they last reported since they started */
  rowsIn: number;
  /** output rows they committed, likewise */
  rowsOut: number;
  restarts: number;
  partitions: number[];
}

/**
 * The group's totals from what the workers committed (per input partition, restored by each
 * partition's next owner), so they agree with the output topic after any crash.
 */
export interface CommittedTotals {
  rowsIn: number;
  rowsOut: number;
  rowsDropped: number;
}

export interface Snapshot {
  broker: BrokerStatus;
  dataset: DatasetSummary | null;
  stream: StreamProgress;
  workers: WorkerInfo[];
  /** the last stream's committed totals; null before its workers reported any */
  committed: CommittedTotals | null;
  /** the charts in order, their latest figures by chart id, and the output's fields */
  charts: ChartSpec[];
  chartData: Record<string, ChartData>;
  outputFields: OutputField[];
  /** the pipeline's own charts: rows/s produced, consumed, output and per worker; lag */
  pipelineRates: PipelineRates;
  /** true only inside Electron: "Browse…" opens a native file dialog */
  nativeDialogs: boolean;
  /** what the app remembers between launches */
  settings: AppSettings;
}

export interface CommandResults {
  getSnapshot: Snapshot;
  startBroker: BrokerStatus;
  stopBroker: BrokerStatus;
  /** host:port of every broker the cluster describes */
  testConnection: string[];
  savedConnection: {
    connection: SavedConnection | null;
    passwordSaved: boolean;
    /** one line: where the password is kept, or why it is not */
    passwordNote: string;
    /** true while streams use an existing cluster rather than the local broker */
    external: boolean;
  };
  useCluster: BrokerStatus;
  useLocalBroker: BrokerStatus;
  /** the chosen path, or null when the user cancelled or no dialog exists */
  pickDataset: string | null;
  openDataset: DatasetSummary;
  createDemoDataset: DatasetSummary;
  startStream: StreamProgress;
  pauseStream: StreamProgress;
  resumeStream: StreamProgress;
  stopStream: StreamProgress;
  scaleWorkers: WorkerInfo[];
  /** the output rows, what each step did, and the fields reaching each step (null: unknown) */
  previewTransform: { rows: Row[]; steps: StepTally; stepFields: (string[] | null)[] };
  listFolder: FolderListing;
  setCharts: ChartSpec[];
  chartCsv: string;
  saveSettings: AppSettings;
  /** the folder written to, or null when the user cancelled */
  saveExportFiles: string | null;
}

/** Event name → payload, pushed from the engine to every connected renderer. */
export interface EventPayloads {
  brokerStatus: BrokerStatus;
  streamProgress: StreamProgress;
  workers: WorkerInfo[];
  committed: CommittedTotals;
  /** the chart list changed (another window, a proposed first chart, a new stream) */
  chartSpecs: ChartSpec[];
  /** one chart's new figure */
  chartData: { id: string; data: ChartData };
  /** the output topic's fields as the chart feed has seen them */
  outputFields: OutputField[];
  /** a new point of the pipeline's rates (about once a second while streaming) */
  pipelineRates: PipelineRates;
  /** a one-line error for the user; the app keeps running */
  notice: { level: 'info' | 'error'; message: string };
}
export type EventName = keyof EventPayloads;
export const eventNames: EventName[] = [
  'brokerStatus',
  'streamProgress',
  'workers',
  'committed',
  'chartSpecs',
  'chartData',
  'outputFields',
  'pipelineRates',
  'notice',
];

/** What the renderer sees as `window.parquetStreamer` (preload) or builds over a WebSocket. */
export type ParquetStreamerApi = {
  [C in CommandName]: (args: CommandArgs<C>) => Promise<CommandResults[C]>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
};

/**
 * A failed command: `error` is the one line for the user; `field`, when the failure is about one
 * argument (a form field such as `outputTopic`), names it and says what is wrong with it, so a
 * form marks that field without reading the line.
 */
export interface CommandFailure {
  ok: false;
  error: string;
  field?: { name: string; message: string };
}

/** The result of a command over either transport. */
export type CommandOutcome<C extends CommandName> =
  { ok: true; value: CommandResults[C] } | CommandFailure;

/** What the engine implements; the IPC and WebSocket hosts call it after validating args. */
export type CommandHandlers = {
  [C in CommandName]: (args: CommandArgs<C>) => Promise<CommandResults[C]>;
};

/** Validates raw arguments; on failure, a one-line error and the field it is about. */
export function parseCommandArgs<C extends CommandName>(
  command: C,
  raw: unknown,
): { ok: true; args: CommandArgs<C> } | CommandFailure {
  const schema = commandSchemas[command];
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, args: parsed.data as CommandArgs<C> };
  const issue = parsed.error.issues[0];
  const message = issue?.message ?? 'invalid';
  const name = issue?.path.join('.') ?? '';
  if (!name) return { ok: false, error: `${command}: arguments: ${message}` };
  return { ok: false, error: `${command}: ${name}: ${message}`, field: { name, message } };
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

// ---- Transports: the same commands and events over Electron IPC and the dashboard WebSocket ----

/** The IPC channels between the Electron main process and the preload. */
export const ipcChannels = {
  /** invoke(command, name, args) → CommandOutcome */
  command: 'ps:command',
  /** send(event, name, payload) */
  event: 'ps:event',
  /** File > Open… was chosen in the native menu */
  menuOpenDataset: 'ps:menu-open-dataset',
} as const;

/**
 * The engine as both transports carry it: a command answers with its outcome instead of throwing.
 * The preload exposes this as `window.parquetStreamer` (Electron's contextBridge copies only an
 * Error's message, so a thrown failure would lose its field); the dashboard page builds it over
 * its WebSocket. The renderer turns it into a ParquetStreamerApi (renderer/api/engineApi.ts).
 */
export interface EngineBridge {
  invoke(command: CommandName, args: unknown): Promise<CommandOutcome<CommandName>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

/** What the preload adds beside the engine bridge. */
export interface ShellMenuApi {
  /** File > Open… in the native menu; returns the unsubscribe function */
  onMenuOpenDataset(listener: () => void): () => void;
  /** the local path of a file or folder dropped on the window ('' when it has none) */
  pathForFile(file: File): string;
}

/** The dashboard page sends {id, command, args}. */
export interface CommandRequest {
  id: number;
  command: CommandName;
  args: unknown;
}

/** The server answers {id, outcome}. */
export interface CommandReply {
  /** the request's id; null when the request was too malformed to carry one */
  id: number | string | null;
  outcome: CommandOutcome<CommandName>;
}

/** The server pushes {event, payload}. */
export type EventMessage = { [E in EventName]: { event: E; payload: EventPayloads[E] } }[EventName];

export type ServerMessage = CommandReply | EventMessage;

/** The WebSocket text of one command request. */
export function commandRequestText(id: number, command: CommandName, args: unknown): string {
  const request: CommandRequest = { id, command, args };
  return JSON.stringify(request);
}

/**
 * Reads a WebSocket request: its id, and the command name and raw arguments to dispatch (checked
 * by the dispatcher), or the reply to send when it is not a request at all.
 */
export function readCommandRequest(
  text: string,
):
  | { ok: true; id: number | string; command: unknown; args: unknown }
  | { ok: false; reply: CommandReply } {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { ok: false, reply: { id: null, outcome: { ok: false, error: 'request is not JSON' } } };
  }
  const { id, command, args } = (message ?? {}) as Record<string, unknown>;
  if (typeof id !== 'number' && typeof id !== 'string') {
    return { ok: false, reply: { id: null, outcome: { ok: false, error: 'request has no id' } } };
  }
  return { ok: true, id, command, args };
}
