// The engine behind every renderer: implements the contract's commands and publishes its
// events. It holds the broker connection, the open dataset and at most one stream session.
// Plain Node: the Electron shell, the browser dashboard and the tests all run it the same way.
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { useClusterSecurity } from '../broker/clusterSecurity';
import { connectionFormConfig, testConnection } from '../broker/connectionTest';
import { readFirstRows } from '../parquet/firstRows';
import { ParquetDataset } from '../parquet/parquetDataset';
import { RowCodec } from '../parquet/rowCodec';
import { writeDemoDataset } from '../parquet/demoDataset';
import type { StepTally } from '../pipelines/pipeline';
import { previewTransform } from '../pipelines/previewTransform';
import { loadTransform } from '../pipelines/transformSource';
import type { TransformReference, TransformSpec } from '../pipelines/transformSpec';
import { validateTransform } from '../pipelines/validateTransform';
import { describeError, InputError, UserError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';
import type { LaunchWorker } from '../supervisor/workerSupervisor';
import { localWorkerPool } from '../supervisor/workerPool';
import { slurmNodeCommand } from '../cluster/slurm/nodeCommand';
import { runSlurmCommand, type SlurmRunner } from '../cluster/slurm/slurmCommand';
import { slurmWorkerPool } from '../cluster/slurm/slurmWorkerPool';
import { settingsDir } from '../storage/appStorage';
import { BrokerConnection } from './brokerConnection';
import { readSavedConnection, writeSavedConnection } from './connectionSettings';
import { unsavedSecrets, type SecretStore } from './secretStore';
import { listFolder } from './folderBrowser';
import { DroppedEverythingWatch } from './droppedEverything';
import { SettingsStore, settingsFile } from '../storage/appSettings';
import type { PartitionLag } from '../charts/consumerLag';
import { PipelineRatesMeter } from '../charts/pipelineRates';
import { DEFAULT_PRESET, presetCharts } from '../pipelines/presets';
import type {
  AppSettings,
  BrokerStatus,
  ChartData,
  ChartSpec,
  ClusterConnection,
  CommandHandlers,
  CommittedTotals,
  CommandResults,
  DatasetSummary,
  EngineHost,
  EventListener,
  EventName,
  EventPayloads,
  OutputField,
  Snapshot,
  StreamConfig,
  StreamProgress,
  WorkerInfo,
} from './contract';
import { idleProgress, StreamSession } from './streamSession';

export interface StreamEngineOptions {
  /** where broker data, worker dirs, demo data and checkpoints live */
  appDataDir: string;
  /** an existing cluster; when absent the engine starts the local broker */
  brokers?: string[];
  brokerPort?: number;
  /** nodes of the local broker the engine starts (default 1; 3 for a cluster) */
  brokerNodes?: number;
  /** start the local broker as soon as the engine exists (default true) */
  autoStartBroker?: boolean;
  /** the charts a stream starts with; default: its preset's charts (none for a spec or module) */
  chartsFor?: (config: StreamConfig) => ChartSpec[];
  logger?: Logger;
  /** how worker processes are started (default: Node's fork) */
  launchWorker?: LaunchWorker;
  /** how SLURM's commands run for a stream whose workers run on SLURM (default: the installed tools) */
  slurmRunner?: SlurmRunner;
  /** the folder the dashboard's file browser is confined to (default: the user's home) */
  homeDir?: string;
  /** where the connection form's password is kept (default: nowhere, as in the dashboard) */
  secrets?: SecretStore;
}

/** The SecretStore name of the connection form's password. */
const PASSWORD_SECRET = 'cluster-password';

const PREVIEW_ROWS = 10;
const PREVIEW_TRANSFORM_ROWS = 100;

export class StreamEngine implements EngineHost {
  readonly handlers: CommandHandlers;
  private readonly listeners = new Set<EventListener>();
  private readonly broker: BrokerConnection;
  private readonly logger: Logger;
  private dataset: DatasetSummary | null = null;
  private session: StreamSession | null = null;
  private lastProgress: StreamProgress = idleProgress();
  private lastWorkers: WorkerInfo[] = [];
  private committed: CommittedTotals | null = null;
  private charts: ChartSpec[] = [];
  private chartData: Record<string, ChartData> = {};
  private outputFields: OutputField[] = [];
  private rates = new PipelineRatesMeter();
  private readonly settings: SettingsStore;
  /** the transform (as JSON) the charts shown were made for: a stream with it keeps them */
  private chartsTransform: string | undefined;
  /** reopening the saved dataset at launch; the first snapshot waits for it */
  private readonly restored: Promise<void>;
  /** set by close(): a stream still waiting for the broker then starts nothing */
  private closed = false;

  constructor(private readonly options: StreamEngineOptions) {
    this.logger = options.logger ?? createLogger('engine');
    this.broker = new BrokerConnection({
      brokers: options.brokers,
      dataDir: path.join(options.appDataDir, 'broker'),
      port: options.brokerPort,
      nodes: options.brokerNodes,
      logger: this.logger.child('broker'),
    });
    this.broker.on('status', (status) => this.publish('brokerStatus', status));
    this.settings = new SettingsStore(
      settingsFile(options.appDataDir),
      this.logger.child('settings'),
    );
    const saved = this.settings.get();
    this.charts = saved.charts ?? [];
    this.chartsTransform = saved.chartsTransform;
    this.restored = this.restoreDataset(saved.datasetPath);
    this.handlers = {
      getSnapshot: async () => {
        await this.restored;
        return this.snapshot();
      },
      startBroker: () => this.broker.start(),
      stopBroker: () => this.stopBroker(),
      testConnection: async (form) => testConnection(await this.withSavedPassword(form)),
      savedConnection: () => this.savedConnection(),
      useCluster: (form) => this.useCluster(form),
      useLocalBroker: () => this.useLocalBroker(),
      pickDataset: async () => null,
      openDataset: ({ path: datasetPath }) => this.openDataset(datasetPath),
      createDemoDataset: ({ rows }) => this.createDemoDataset(rows),
      startStream: (config) => this.startStream(config),
      pauseStream: async () => this.requireSession().pause(),
      resumeStream: async () => this.requireSession().resume(),
      stopStream: () => this.requireSession().stopProducer(),
      scaleWorkers: ({ count }) => this.requireSession().scaleWorkers(count),
      previewTransform: ({ transform, limit }) => this.previewTransform(transform, limit),
      listFolder: ({ path: folder }) => listFolder(options.homeDir ?? os.homedir(), folder),
      setCharts: async ({ charts }) => this.setCharts(charts),
      chartCsv: async ({ id }) => this.requireSession().chartCsv(id),
      saveSettings: (patch) => this.settings.save(patch),
      saveExportFiles: async () => {
        throw new InputError('saving into a folder needs the desktop app — use the ZIP download');
      },
    };
    if (options.autoStartBroker ?? true) {
      this.broker.start().catch((error) => this.notifyError(error));
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the stream, the workers, the chart feed and a broker this engine started. */
  async close(): Promise<void> {
    this.closed = true;
    await this.session?.close();
    this.session = null;
    await this.broker.close();
  }

  private snapshot(): Snapshot {
    return {
      broker: this.broker.status(),
      dataset: this.dataset,
      stream: this.lastProgress,
      workers: this.lastWorkers,
      committed: this.committed,
      charts: this.charts,
      chartData: this.chartData,
      outputFields: this.outputFields,
      pipelineRates: this.rates.rates(),
      nativeDialogs: false,
      settings: this.settings.get(),
    };
  }

  /** Reopens the dataset of the last launch; one that is gone or unreadable is left closed. */
  private async restoreDataset(datasetPath: string | undefined): Promise<void> {
    if (datasetPath === undefined) return;
    try {
      await this.openDataset(datasetPath);
    } catch (error) {
      this.logger.info(`the last dataset was not reopened: ${describeError(error)}`);
    }
  }

  /** Saves a part of the settings; a failed write is logged, the app keeps its state. */
  private remember(patch: Partial<AppSettings>): void {
    this.settings.save(patch).catch((error: unknown) => this.notifyError(error));
  }

  private get secrets(): SecretStore {
    return this.options.secrets ?? unsavedSecrets;
  }

  private async savedConnection(): Promise<CommandResults['savedConnection']> {
    const dir = settingsDir(this.options.appDataDir);
    return {
      connection: await readSavedConnection(dir),
      passwordSaved: (await this.secrets.load(PASSWORD_SECRET)) !== undefined,
      passwordNote: this.secrets.note(),
      external: this.broker.status().state === 'external',
    };
  }

  /** The form with the saved password when it leaves it empty for the saved user and cluster. */
  private async withSavedPassword(form: ClusterConnection): Promise<ClusterConnection> {
    if (form.password) return form;
    const saved = await readSavedConnection(settingsDir(this.options.appDataDir));
    const same =
      saved?.username === form.username && saved?.bootstrapServers === form.bootstrapServers;
    if (!same) return form;
    return { ...form, password: await this.secrets.load(PASSWORD_SECRET) };
  }

  /** The next streams' producer, workers and chart feed use the form's cluster. */
  private async useCluster(form: ClusterConnection): Promise<BrokerStatus> {
    this.requireNoStream('switching clusters');
    const full = await this.withSavedPassword(form);
    const { brokers, security } = connectionFormConfig(full);
    await writeSavedConnection(settingsDir(this.options.appDataDir), full);
    // a password typed now replaces the saved one; a cluster without SASL needs none
    if (security.sasl && form.password) await this.secrets.save(PASSWORD_SECRET, form.password);
    if (!security.sasl) await this.secrets.remove(PASSWORD_SECRET);
    await this.session?.close();
    this.session = null;
    useClusterSecurity(security);
    return this.broker.useCluster(brokers);
  }

  /** The next streams use the local broker again, which starts now if it is not running. */
  private async useLocalBroker(): Promise<BrokerStatus> {
    this.requireNoStream('switching to the local broker');
    await this.session?.close();
    this.session = null;
    useClusterSecurity({ protocol: 'PLAINTEXT' });
    const status = this.broker.useCluster(null);
    this.broker.start().catch((error) => this.notifyError(error));
    return status;
  }

  private async openDataset(datasetPath: string): Promise<DatasetSummary> {
    const dataset = await ParquetDataset.open(datasetPath);
    let preview: Record<string, unknown>[] = [];
    const codec = new RowCodec(dataset.schema);
    for await (const slice of dataset.readRowGroups()) {
      preview = codec.toObjects(slice.table, PREVIEW_ROWS);
      break;
    }
    this.dataset = {
      path: dataset.path,
      files: dataset.files.length,
      rows: dataset.rows,
      rowGroups: dataset.rowGroups,
      sizeBytes: dataset.sizeBytes,
      fields: dataset.fields(),
      preview,
    };
    this.remember({ datasetPath: dataset.path });
    return this.dataset;
  }

  private async previewTransform(reference: TransformReference, limit = PREVIEW_TRANSFORM_ROWS) {
    if (!this.dataset) throw new InputError('no dataset is open — open a Parquet file first');
    const dataset = await ParquetDataset.open(this.dataset.path);
    const inputFields = dataset.fields().map((field) => field.name);
    const { transform, spec } = await loadTransform(reference, { inputFields });
    const { rows, tally } = previewTransform(transform, await readFirstRows(dataset, limit));
    return { rows, steps: tally, stepFields: fieldsBeforeSteps(spec, inputFields) };
  }

  private async createDemoDataset(rows: number): Promise<DatasetSummary> {
    const dir = path.join(this.options.appDataDir, 'demo');
    const file = path.join(dir, `parking-violations-${rows}.parquet`);
    if (!existsSync(file)) {
      await fs.mkdir(dir, { recursive: true });
      // writeDemoDataset renames its file into place only once it is complete
      await writeDemoDataset({
        path: file,
        rows,
        onProgress: (written) =>
          this.publish('notice', {
            level: 'info',
            message: `writing demo data: ${Math.round((100 * written) / rows)}%`,
          }),
      });
    }
    return this.openDataset(file);
  }

  private async startStream(config: Parameters<CommandHandlers['startStream']>[0]) {
    this.requireNoStream('starting another');
    // the page shows "starting" at once: closing the last session and reaching the broker take time
    this.lastProgress = {
      ...idleProgress(),
      state: 'starting',
      inputTopic: config.inputTopic,
      outputTopic: config.outputTopic,
      detail: 'starting: connecting to the broker…',
    };
    this.publish('streamProgress', this.lastProgress);
    let brokers: string[];
    try {
      await this.session?.close();
      brokers = await this.broker.ready();
      if (this.closed) throw new UserError('the app is closing — no stream starts now');
    } catch (error) {
      this.failStart(error);
      throw error;
    }
    this.chartData = {};
    const rates = (this.rates = new PipelineRatesMeter());
    this.publish('pipelineRates', rates.rates());
    this.remember({ transform: config.transform as AppSettings['transform'] });
    // the charts shown stay when they were made for this transform; else the stream's defaults
    const chartsTransform = JSON.stringify(config.transform ?? DEFAULT_PRESET);
    if (this.charts.length === 0 || chartsTransform !== this.chartsTransform) {
      this.chartsTransform = chartsTransform;
      this.showCharts(
        (this.options.chartsFor ?? ((stream) => presetCharts(stream.transform ?? DEFAULT_PRESET)))(
          config,
        ),
      );
    }
    const session = new StreamSession({
      config,
      charts: this.charts,
      brokers,
      appDataDir: this.options.appDataDir,
      logger: this.logger.child('stream'),
      createPool:
        config.workersOn === 'slurm'
          ? slurmWorkerPool({
              config,
              appDataDir: this.options.appDataDir,
              run: this.options.slurmRunner ?? runSlurmCommand,
              command: slurmNodeCommand(),
            })
          : localWorkerPool(this.options.launchWorker),
    });
    const dropped = new DroppedEverythingWatch();
    const sayIfAllDropped = () => {
      const message = dropped.check(this.lastProgress);
      if (message === null) return;
      this.lastProgress = { ...this.lastProgress, detail: message };
      this.publish('streamProgress', this.lastProgress);
      this.publish('notice', { level: 'error', message });
    };
    const transformName = nameOfTransform(config.transform ?? DEFAULT_PRESET);
    session.on('progress', (streamProgress: StreamProgress) => {
      const progress = { ...streamProgress, transform: transformName };
      this.lastProgress = progress;
      this.publish('streamProgress', progress);
      sayIfAllDropped();
      if (progress.state === 'running' && rates.producer(Date.now(), progress.rowsPerSecond)) {
        this.publish('pipelineRates', rates.rates());
      }
      if (progress.state === 'failed' && progress.detail) {
        this.publish('notice', { level: 'error', message: progress.detail });
      }
    });
    this.committed = null;
    type Committed = CommittedTotals & { steps?: StepTally };
    session.on('committed', ({ rowsIn, rowsOut, rowsDropped, steps }: Committed) => {
      // the dropped-per-step chart reads the same committed counts as the worker table
      if (steps && rates.steps(steps)) this.publish('pipelineRates', rates.rates());
      const committed = { rowsIn, rowsOut, rowsDropped };
      if (JSON.stringify(committed) === JSON.stringify(this.committed)) return;
      this.committed = committed;
      this.publish('committed', committed);
    });
    session.on('workers', (workers: WorkerInfo[]) => {
      this.lastWorkers = workers;
      this.publish('workers', workers);
      dropped.workers(workers);
      sayIfAllDropped();
      if (rates.workers(Date.now(), workers)) this.publish('pipelineRates', rates.rates());
    });
    session.on('notice', (notice: EventPayloads['notice']) => this.publish('notice', notice));
    session.on('lag', (at: number, partitions: PartitionLag[]) => {
      if (rates.lag(at, partitions)) this.publish('pipelineRates', rates.rates());
    });
    session.on('chartData', (update: { id: string; data: ChartData }) => {
      this.chartData = { ...this.chartData, [update.id]: update.data };
      this.publish('chartData', update);
    });
    session.on('chartSpecs', (charts: ChartSpec[]) => this.showCharts(charts));
    session.on('outputFields', (fields: OutputField[]) => {
      this.outputFields = fields;
      this.publish('outputFields', fields);
    });
    this.session = session;
    this.outputFields = [];
    this.publish('outputFields', []);
    try {
      return { ...(await session.start()), transform: transformName };
    } catch (error) {
      await session.close().catch(() => undefined);
      this.session = null;
      this.failStart(error);
      throw error;
    }
  }

  private failStart(error: unknown): void {
    this.lastProgress = { ...idleProgress(), state: 'failed', detail: describeError(error) };
    this.publish('streamProgress', this.lastProgress);
  }

  private setCharts(charts: ChartSpec[]): ChartSpec[] {
    this.session?.setCharts(charts);
    this.showCharts(charts);
    return charts;
  }

  /** Keeps and publishes the chart list; figures of charts no longer listed are dropped. */
  private showCharts(charts: ChartSpec[]): void {
    this.charts = charts;
    this.remember({ charts, chartsTransform: this.chartsTransform });
    const ids = new Set(charts.map((chart) => chart.id));
    this.chartData = Object.fromEntries(
      Object.entries(this.chartData).filter(([id]) => ids.has(id)),
    );
    this.publish('chartSpecs', charts);
  }

  private async stopBroker() {
    await this.session?.close();
    this.session = null;
    return this.broker.stop();
  }

  private requireNoStream(doing: string): void {
    if (
      this.session &&
      ['starting', 'running', 'paused', 'stopping'].includes(this.lastProgress.state)
    ) {
      throw new InputError(`a stream is already running — stop it before ${doing}`);
    }
  }

  private requireSession(): StreamSession {
    if (!this.session) throw new InputError('no stream is running — press Stream first');
    return this.session;
  }

  private notifyError(error: unknown): void {
    this.logger.warn(describeError(error));
    this.publish('notice', { level: 'error', message: describeError(error) });
  }

  private publish<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    for (const listener of this.listeners) listener(event, payload);
  }
}

/** How the workers' table names a transform: the preset or file as given, else the spec's name. */
function nameOfTransform(reference: TransformReference): string {
  return typeof reference === 'string' ? reference : (reference.name ?? 'custom transform');
}

/** The fields reaching each step (null once a module step hides them), from the input's fields. */
function fieldsBeforeSteps(spec: TransformSpec, inputFields: string[]): (string[] | null)[] {
  return spec.steps.map((_, index) =>
    index === 0
      ? inputFields
      : validateTransform({ steps: spec.steps.slice(0, index) }, inputFields),
  );
}
