// The stream form's values as the user typed them, and the startStream arguments they stand for.
// Producer settings left empty or at their default are omitted, so the engine's defaults apply.
// Pace is one choice (as fast as possible, a fixed rate, replay by event time): rate and replay
// can never both be set.
import type {
  AppSettings,
  FieldInfo,
  ProducerSettings,
  StreamConfig,
  WorkerHost,
} from '../../main/api/contract';
import { formatCount } from '../format/units';
import { streamConfigErrors, type FieldErrors } from './fieldErrors';

export type Pace = 'unthrottled' | 'rate' | 'replay';
export type Partitioner = NonNullable<StreamConfig['partitioner']>;
export type TimestampFormat = NonNullable<StreamConfig['timestamps']>;

export interface StreamForm {
  inputTopic: string;
  outputTopic: string;
  partitions: string;
  pace: Pace;
  /** rows per second, used when pace is 'rate' */
  rate: string;
  /** '' = the row index */
  keyColumn: string;
  partitioner: Partitioner;
  /** '' = the dataset's first timestamp or date column */
  replayColumn: string;
  speed: string;
  shuffle: boolean;
  /** '' = a random seed */
  seed: string;
  offset: string;
  limit: string;
  timestamps: TimestampFormat;
  resume: boolean;
  workersOn: WorkerHost;
  /** the SLURM options, used when workersOn is 'slurm'; '' = SLURM's or the app's default */
  slurmPartition: string;
  slurmTime: string;
  slurmDataDirPattern: string;
  slurmWebPortBase: string;
}

export function initialStreamForm(inputTopic: string, outputTopic: string): StreamForm {
  return {
    inputTopic,
    outputTopic,
    partitions: '4',
    pace: 'unthrottled',
    rate: '',
    keyColumn: '',
    partitioner: 'default',
    replayColumn: '',
    speed: '1',
    shuffle: false,
    seed: '',
    offset: '',
    limit: '',
    timestamps: 'iso',
    resume: false,
    workersOn: 'local',
    slurmPartition: '',
    slurmTime: '',
    slurmDataDirPattern: '',
    slurmWebPortBase: '',
  };
}

export type StreamSettings = NonNullable<AppSettings['stream']>;

const text = (value: number | null | undefined) =>
  value === null || value === undefined ? '' : String(value);

/** The form for saved stream settings: the inverse of streamSettingsOf. */
export function streamFormOf(saved: StreamSettings): StreamForm {
  const defaults = initialStreamForm(saved.inputTopic, saved.outputTopic);
  const pace: Pace =
    saved.replayColumn !== undefined
      ? 'replay'
      : saved.ratePerSecond !== null && saved.ratePerSecond !== undefined
        ? 'rate'
        : 'unthrottled';
  return {
    ...defaults,
    partitions: String(saved.partitions),
    pace,
    rate: text(saved.ratePerSecond),
    keyColumn: saved.keyColumn ?? '',
    partitioner: saved.partitioner ?? defaults.partitioner,
    replayColumn: saved.replayColumn ?? '',
    speed: saved.speed === undefined ? defaults.speed : String(saved.speed),
    shuffle: saved.shuffle ?? false,
    seed: text(saved.seed),
    offset: text(saved.offset),
    limit: text(saved.limit),
    timestamps: saved.timestamps ?? defaults.timestamps,
    resume: saved.resume ?? false,
  };
}

/** What the settings file keeps of a valid form (the dataset and worker count are kept apart). */
export function streamSettingsOf(
  form: StreamForm,
  dataset: { path: string; fields: readonly FieldInfo[] } | null,
): StreamSettings {
  const settings: Partial<StreamConfig> = streamConfigOf(form, dataset, 0);
  delete settings.path;
  delete settings.workers;
  delete settings.transform;
  return settings as StreamSettings;
}

/** Typing a rate chooses the fixed-rate pace; clearing it goes back to as fast as possible. */
export function withRate(form: StreamForm, rate: string): StreamForm {
  if (form.pace === 'replay') return form;
  return { ...form, rate, pace: rate.trim() === '' ? 'unthrottled' : 'rate' };
}

/** Choosing "as fast as possible" clears the rate, so the rate field never shows an unused value. */
export function withPace(form: StreamForm, pace: Pace): StreamForm {
  return { ...form, pace, rate: pace === 'unthrottled' ? '' : form.rate };
}

/** The stream arguments a form value feeds: their errors no longer apply once it changes. */
export function configFieldsOf(key: keyof StreamForm): (keyof StreamConfig)[] {
  if (key === 'rate') return ['ratePerSecond'];
  if (key === 'pace') return ['ratePerSecond', 'replayColumn', 'speed'];
  if (key === 'shuffle') return ['shuffle', 'seed'];
  if (key === 'workersOn') {
    return ['workersOn', 'slurmPartition', 'slurmTime', 'slurmDataDirPattern', 'slurmWebPortBase'];
  }
  return [key];
}

/** Columns that event-time replay can use: timestamps and dates. */
export function temporalColumns(fields: readonly FieldInfo[]): string[] {
  return fields
    .filter((field) => /^(Timestamp|Date(32|64))</.test(field.type))
    .map((field) => field.name);
}

/** The key and replay columns in effect: a choice the dataset no longer has falls back. */
export function chosenColumns(
  form: StreamForm,
  fields: readonly FieldInfo[],
): { keyColumn: string; replayColumn: string } {
  const names = fields.map((field) => field.name);
  const temporal = temporalColumns(fields);
  return {
    keyColumn: names.includes(form.keyColumn) ? form.keyColumn : '',
    replayColumn: temporal.includes(form.replayColumn) ? form.replayColumn : (temporal[0] ?? ''),
  };
}

/** '' → undefined (the engine's default); anything else → a number (NaN fails validation). */
function optionalNumber(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

export function producerSettingsOf(
  form: StreamForm,
  fields: readonly FieldInfo[],
): ProducerSettings {
  const { keyColumn, replayColumn } = chosenColumns(form, fields);
  const replay = form.pace === 'replay';
  return {
    ratePerSecond: form.pace === 'rate' ? (optionalNumber(form.rate) ?? null) : null,
    keyColumn: keyColumn || undefined,
    partitioner: form.partitioner === 'default' ? undefined : form.partitioner,
    replayColumn: replay ? replayColumn || undefined : undefined,
    speed: replay ? optionalNumber(form.speed) : undefined,
    shuffle: form.shuffle || undefined,
    seed: form.shuffle ? optionalNumber(form.seed) : undefined,
    offset: optionalNumber(form.offset),
    limit: optionalNumber(form.limit),
    timestamps: form.timestamps === 'iso' ? undefined : form.timestamps,
    resume: form.resume || undefined,
  };
}

/** Where the workers run: nothing for this machine (the engine's default), else the SLURM options. */
function slurmSettingsOf(form: StreamForm): Partial<StreamConfig> {
  if (form.workersOn !== 'slurm') return {};
  return {
    workersOn: 'slurm',
    slurmPartition: form.slurmPartition.trim() || undefined,
    slurmTime: form.slurmTime.trim() || undefined,
    slurmDataDirPattern: form.slurmDataDirPattern.trim() || undefined,
    slurmWebPortBase: optionalNumber(form.slurmWebPortBase),
  };
}

/** The startStream arguments; keys whose value is undefined are left out altogether. */
export function streamConfigOf(
  form: StreamForm,
  dataset: { path: string; fields: readonly FieldInfo[] } | null,
  workers: number,
): StreamConfig {
  const config: StreamConfig = {
    path: dataset?.path ?? '',
    inputTopic: form.inputTopic.trim(),
    outputTopic: form.outputTopic.trim(),
    partitions: optionalNumber(form.partitions) ?? Number.NaN,
    workers,
    ...producerSettingsOf(form, dataset?.fields ?? []),
    ...slurmSettingsOf(form),
  };
  return Object.fromEntries(
    Object.entries(config).filter(([, value]) => value !== undefined),
  ) as StreamConfig;
}

/** The contract schema's errors plus what only the form knows (a pace chosen but not set). */
export function streamFormErrors(
  form: StreamForm,
  config: StreamConfig,
): FieldErrors<keyof StreamConfig> {
  const errors = streamConfigErrors(config);
  if (form.pace === 'rate' && form.rate.trim() === '') {
    errors.ratePerSecond ??= 'enter rows per second, or choose “As fast as possible”';
  }
  if (form.pace === 'replay' && config.replayColumn === undefined) {
    errors.replayColumn ??= 'this dataset has no timestamp or date column to replay by';
  }
  return errors;
}

/** One line for the closed settings section: the settings that differ from the defaults. */
export function describeProducerSettings(settings: ProducerSettings): string {
  const parts: string[] = [];
  if (settings.keyColumn) parts.push(`key ${settings.keyColumn}`);
  if (settings.partitioner) parts.push(settings.partitioner);
  if (settings.replayColumn) {
    parts.push(`replay by ${settings.replayColumn} ×${settings.speed ?? 1}`);
  }
  if (settings.shuffle) {
    parts.push(settings.seed === undefined ? 'shuffled' : `shuffled (seed ${settings.seed})`);
  }
  if (settings.offset) parts.push(`skip ${formatCount(settings.offset)}`);
  if (settings.limit) parts.push(`limit ${formatCount(settings.limit)}`);
  if (settings.timestamps === 'epoch-ms') parts.push('epoch-ms timestamps');
  if (settings.resume) parts.push('resume');
  return parts.length > 0 ? parts.join(' · ') : 'defaults';
}
