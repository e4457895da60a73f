// The stream form (topics, partitions, workers, rate), the Stream / Pause / Resume / Stop buttons
// and the progress bar with rows acked, rate and ETA.
import { useRef, useState, type FormEvent } from 'react';
import type { DatasetSummary, StreamConfig, StreamProgress } from '../../main/api/contract';
import { fieldOfError, streamConfigErrors, type FieldErrors } from '../forms/fieldErrors';
import { formatCount, formatDuration } from '../format/units';
import type { RunCommand } from '../state/useEngine';
import { describedBy, Field } from './Field';

type StreamField = keyof StreamConfig;
const FORM_FIELDS: readonly StreamField[] = [
  'inputTopic',
  'outputTopic',
  'partitions',
  'workers',
  'ratePerSecond',
];

/** Stream states in which the form is locked and the slider scales the running pool. */
export function isStreamActive(state: StreamProgress['state']): boolean {
  return state === 'starting' || state === 'running' || state === 'paused' || state === 'stopping';
}

export function StreamPanel(props: {
  stream: StreamProgress;
  dataset: DatasetSummary | null;
  workers: number;
  onWorkersChange: (count: number) => void;
  run: RunCommand;
  onProgress: (stream: StreamProgress) => void;
}) {
  const { stream, run, onProgress } = props;
  const [inputTopic, setInputTopic] = useState(stream.inputTopic ?? 'parking-violations');
  const [outputTopic, setOutputTopic] = useState(
    stream.outputTopic ?? 'parking-violations-by-borough',
  );
  const [partitions, setPartitions] = useState('4');
  const [rate, setRate] = useState('');
  const [errors, setErrors] = useState<FieldErrors<StreamField>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const active = isStreamActive(stream.state);

  async function start(event: FormEvent) {
    event.preventDefault();
    setFormError(undefined);
    const config: StreamConfig = {
      path: props.dataset?.path ?? '',
      inputTopic: inputTopic.trim(),
      outputTopic: outputTopic.trim(),
      partitions: partitions.trim() === '' ? Number.NaN : Number(partitions),
      workers: props.workers,
      ratePerSecond: rate.trim() === '' ? null : Number(rate),
    };
    const found = streamConfigErrors(config);
    setErrors(found);
    if (found.path) setFormError('open a Parquet file or folder first (Dataset, above)');
    const firstInvalid = FORM_FIELDS.find((field) => found[field]);
    if (firstInvalid) form.current?.querySelector<HTMLElement>(`#stream-${firstInvalid}`)?.focus();
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const result = await run('startStream', config);
    setBusy(false);
    if (result.ok) {
      onProgress(result.value);
      return;
    }
    const located = fieldOfError(result.error, FORM_FIELDS);
    if (located) setErrors({ [located.field]: located.message });
    else setFormError(result.error);
  }

  async function control(command: 'pauseStream' | 'resumeStream' | 'stopStream') {
    setBusy(true);
    const result = await run(command, {});
    setBusy(false);
    if (result.ok) onProgress(result.value);
    else setFormError(result.error);
  }

  const fraction = stream.rowsTotal > 0 ? stream.rowsAcked / stream.rowsTotal : 0;
  return (
    <section className="panel" aria-labelledby="stream-title">
      <h2 id="stream-title">Stream</h2>
      <form ref={form} className="grid-form" onSubmit={(event) => void start(event)} noValidate>
        <Field id="stream-inputTopic" label="Input topic" error={errors.inputTopic}>
          <input
            {...describedBy('stream-inputTopic', errors.inputTopic)}
            type="text"
            value={inputTopic}
            disabled={active}
            spellCheck={false}
            onChange={(event) => setInputTopic(event.target.value)}
          />
        </Field>
        <Field id="stream-outputTopic" label="Output topic" error={errors.outputTopic}>
          <input
            {...describedBy('stream-outputTopic', errors.outputTopic)}
            type="text"
            value={outputTopic}
            disabled={active}
            spellCheck={false}
            onChange={(event) => setOutputTopic(event.target.value)}
          />
        </Field>
        <Field id="stream-partitions" label="Partitions" error={errors.partitions}>
          <input
            {...describedBy('stream-partitions', errors.partitions)}
            type="number"
            min={1}
            max={1000}
            value={partitions}
            disabled={active}
            onChange={(event) => setPartitions(event.target.value)}
          />
        </Field>
        <Field id="stream-workers" label="Workers" error={errors.workers}>
          <input
            {...describedBy('stream-workers', errors.workers)}
            type="number"
            min={0}
            max={64}
            value={props.workers}
            disabled={active}
            onChange={(event) => props.onWorkersChange(Number(event.target.value))}
          />
        </Field>
        <Field
          id="stream-ratePerSecond"
          label="Rate (rows/s)"
          error={errors.ratePerSecond}
          hint="empty = as fast as the broker accepts"
        >
          <input
            {...describedBy(
              'stream-ratePerSecond',
              errors.ratePerSecond,
              'empty = as fast as the broker accepts',
            )}
            type="number"
            min={1}
            placeholder="unthrottled"
            value={rate}
            disabled={active}
            onChange={(event) => setRate(event.target.value)}
          />
        </Field>
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
          <span>{formatCount(stream.rowsPerSecond)} rows/s</span>
          <span>ETA {formatDuration(stream.etaSeconds)}</span>
        </div>
        <progress aria-label="Rows acked" value={fraction} max={1} />
        {stream.detail && <p className="progress-detail">{stream.detail}</p>}
      </div>
    </section>
  );
}
