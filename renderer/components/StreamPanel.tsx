// The stream form (topics, partitions, rate, and the collapsible producer settings), the
// Stream / Pause / Resume / Stop buttons and the progress bar with rows acked, rate and ETA.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type {
  DatasetSummary,
  StreamConfig,
  StreamProgress,
  TransformReference,
} from '../../main/api/contract';
import type { FieldErrors } from '../forms/fieldErrors';
import {
  describeProducerSettings,
  initialStreamForm,
  producerSettingsOf,
  streamConfigOf,
  streamFormErrors,
  streamFormOf,
  streamSettingsOf,
  configFieldsOf,
  withRate,
  type StreamForm,
  type StreamSettings,
} from '../forms/streamForm';
import { formatCount, formatDuration } from '../format/units';
import type { RunCommand } from '../state/useEngine';
import { describedBy, Field } from './Field';
import { ProducerSettings } from './ProducerSettings';
import { WorkersOnSettings } from './WorkersOnSettings';

type StreamField = keyof StreamConfig;
const SAVE_DELAY_MS = 500;
/** Every field in tab order; the first invalid one gets the focus. */
const FORM_FIELDS: readonly StreamField[] = [
  'inputTopic',
  'outputTopic',
  'partitions',
  'workersOn',
  'slurmPartition',
  'slurmTime',
  'slurmDataDirPattern',
  'slurmWebPortBase',
  'ratePerSecond',
  'keyColumn',
  'partitioner',
  'timestamps',
  'replayColumn',
  'speed',
  'offset',
  'limit',
  'resume',
  'shuffle',
  'seed',
];

/** Stream states in which the form is locked and the slider scales the running pool. */
export function isStreamActive(state: StreamProgress['state']): boolean {
  return state === 'starting' || state === 'running' || state === 'paused' || state === 'stopping';
}

/** Focuses a field of the form, opening the producer settings first when it lies inside them. */
function revealField(form: HTMLFormElement | null, field: StreamField, focus: boolean): void {
  const input = form?.querySelector<HTMLElement>(`#stream-${field}`);
  const section = input?.closest('details');
  if (section) section.open = true;
  if (focus) input?.focus();
}

export function StreamPanel(props: {
  stream: StreamProgress;
  dataset: DatasetSummary | null;
  /** opens the path in the Dataset field first when it is not the dataset shown; null: it failed */
  ensureDataset: () => Promise<DatasetSummary | null>;
  /** the Processing step's transform */
  transform: TransformReference;
  /** the worker slider's count (Workers panel): the one worker control */
  workers: number;
  /** the form as the settings file kept it */
  saved: StreamSettings | undefined;
  onSave: (settings: StreamSettings) => void;
  run: RunCommand;
  onProgress: (stream: StreamProgress) => void;
}) {
  const { stream, run, onProgress } = props;
  const [values, setValues] = useState<StreamForm>(() =>
    props.saved
      ? streamFormOf(props.saved)
      : initialStreamForm(
          stream.inputTopic ?? 'parking-violations',
          stream.outputTopic ?? 'parking-violations-by-borough',
        ),
  );
  const edited = useRef(false);
  const [errors, setErrors] = useState<FieldErrors<StreamField>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const active = isStreamActive(stream.state);
  const fields = props.dataset?.fields ?? [];
  /** Applies a change to the form; the errors of the fields it touches no longer apply. */
  const edit = (key: keyof StreamForm, change: (current: StreamForm) => StreamForm) => {
    edited.current = true;
    setValues(change);
    setErrors((current) => {
      const next = { ...current };
      for (const field of configFieldsOf(key)) delete next[field];
      return next;
    });
  };
  const set = <K extends keyof StreamForm>(key: K, value: StreamForm[K]) =>
    edit(key, (current) => ({ ...current, [key]: value }));

  // the settings file keeps the form once the user has changed it and it is valid; typing is one save
  const { dataset, onSave } = props;
  useEffect(() => {
    if (!edited.current) return;
    const config = streamConfigOf(values, dataset, 0);
    const invalid = Object.keys(streamFormErrors(values, config)).filter((key) => key !== 'path');
    if (invalid.length > 0) return;
    const timer = setTimeout(() => onSave(streamSettingsOf(values, dataset)), SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [values, dataset, onSave]);

  // a stream that failed because of a producer option shows its message beside that option
  const failedField = stream.state === 'failed' ? stream.field : undefined;
  const failedMessage = stream.detail;
  useEffect(() => {
    if (!failedField || !failedMessage) return;
    setErrors((current) => ({ ...current, [failedField]: failedMessage }));
    revealField(form.current, failedField, false);
  }, [failedField, failedMessage]);

  async function start(event: FormEvent) {
    event.preventDefault();
    setFormError(undefined);
    setBusy(true);
    const dataset = await props.ensureDataset();
    setBusy(false);
    if (!dataset) {
      setFormError('the dataset could not be opened — see the message under its path, above');
      return;
    }
    const config = {
      ...streamConfigOf(values, dataset, props.workers),
      transform: props.transform,
    };
    const found = streamFormErrors(values, config);
    setErrors(found);
    if (found.path) setFormError('open a Parquet file or folder first (Dataset, above)');
    const firstInvalid = FORM_FIELDS.find((field) => found[field]);
    if (firstInvalid) revealField(form.current, firstInvalid, true);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const result = await run('startStream', config);
    setBusy(false);
    if (result.ok) {
      onProgress(result.value);
      return;
    }
    const field = FORM_FIELDS.find((name) => name === result.field?.name);
    if (field && result.field) {
      setErrors({ [field]: result.field.message });
      revealField(form.current, field, true);
    } else setFormError(result.error);
  }

  async function control(command: 'pauseStream' | 'resumeStream' | 'stopStream') {
    setBusy(true);
    const result = await run(command, {});
    setBusy(false);
    if (result.ok) onProgress(result.value);
    else setFormError(result.error);
  }

  // a partition is read by one worker of the group: workers beyond the partition count idle
  const partitionCount = Number(values.partitions);
  const tooFewPartitions = Number.isInteger(partitionCount) && props.workers > partitionCount;
  const partitionsHint = tooFewPartitions
    ? `${props.workers} workers, ${partitionCount} partitions: ${props.workers - partitionCount} would idle` +
      (active ? ' (add partitions for the next stream)' : '')
    : undefined;
  const replaying = values.pace === 'replay';
  const rateHint = replaying
    ? 'pace: replay by event time (Producer settings)'
    : 'empty = as fast as the broker accepts';
  const fraction = stream.rowsTotal > 0 ? stream.rowsAcked / stream.rowsTotal : 0;
  return (
    <section className="panel" aria-labelledby="stream-title">
      <h2 id="stream-title">Stream</h2>
      <form ref={form} className="grid-form" onSubmit={(event) => void start(event)} noValidate>
        <Field id="stream-inputTopic" label="Input topic" error={errors.inputTopic}>
          <input
            {...describedBy('stream-inputTopic', errors.inputTopic)}
            type="text"
            value={values.inputTopic}
            disabled={active}
            spellCheck={false}
            onChange={(event) => set('inputTopic', event.target.value)}
          />
        </Field>
        <Field id="stream-outputTopic" label="Output topic" error={errors.outputTopic}>
          <input
            {...describedBy('stream-outputTopic', errors.outputTopic)}
            type="text"
            value={values.outputTopic}
            disabled={active}
            spellCheck={false}
            onChange={(event) => set('outputTopic', event.target.value)}
          />
        </Field>
        <Field
          id="stream-partitions"
          label="Partitions"
          error={errors.partitions}
          hint={partitionsHint}
        >
          <input
            {...describedBy('stream-partitions', errors.partitions, partitionsHint)}
            type="number"
            min={1}
            max={1000}
            value={values.partitions}
            disabled={active}
            onChange={(event) => set('partitions', event.target.value)}
          />
        </Field>
        {tooFewPartitions && !active && (
          <div className="partition-offer" data-testid="partition-offer">
            <button type="button" onClick={() => set('partitions', String(props.workers))}>
              Add partitions: use {props.workers}
            </button>
          </div>
        )}
        <Field
          id="stream-ratePerSecond"
          label="Rate (rows/s)"
          error={errors.ratePerSecond}
          hint={rateHint}
        >
          <input
            {...describedBy('stream-ratePerSecond', errors.ratePerSecond, rateHint)}
            type="number"
            min={1}
            placeholder="unthrottled"
            value={values.rate}
            disabled={active || replaying}
            onChange={(event) => {
              const rate = event.target.value;
              edit('rate', (current) => withRate(current, rate));
            }}
          />
        </Field>
        <WorkersOnSettings form={values} edit={edit} errors={errors} disabled={active} />
        <ProducerSettings
          form={values}
          edit={edit}
          fields={fields}
          errors={errors}
          summary={describeProducerSettings(producerSettingsOf(values, fields))}
          disabled={active}
        />
        <div className="button-row form-actions">
          <button type="submit" className="primary" disabled={busy || active}>
            Stream
          </button>
          <button
            type="button"
            disabled={busy || stream.state !== 'running'}
            onClick={() => void control('pauseStream')}
          >
            Pause
          </button>
          <button
            type="button"
            disabled={busy || stream.state !== 'paused'}
            onClick={() => void control('resumeStream')}
          >
            Resume
          </button>
          <button
            type="button"
            disabled={busy || !['starting', 'running', 'paused'].includes(stream.state)}
            onClick={() => void control('stopStream')}
          >
            Stop
          </button>
        </div>
        {formError && (
          <p className="field-error form-error" role="alert">
            {formError}
          </p>
        )}
      </form>
      <div className="progress" data-testid="stream-progress" data-state={stream.state}>
        <div className="progress-head">
          <span className={`badge badge-stream-${stream.state}`}>{stream.state}</span>
          <span>
            {formatCount(stream.rowsAcked)} / {formatCount(stream.rowsTotal)} rows acked
          </span>
          {stream.state === 'paused' ? (
            <span>paused: no rows are sent until Resume</span>
          ) : (
            <>
              <span>{formatCount(stream.rowsPerSecond)} rows/s</span>
              <span>ETA {formatDuration(stream.etaSeconds)}</span>
            </>
          )}
        </div>
        <progress aria-label="Rows acked" value={fraction} max={1} />
        {stream.detail && <p className="progress-detail">{stream.detail}</p>}
      </div>
    </section>
  );
}
