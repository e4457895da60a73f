// The stream form's collapsible "Producer settings": message key and partitioner, pace (as fast
// as possible, the rate above, or replay by event time), shuffle, offset / limit, timestamp
// format and resume. Closed by default; its summary line lists what differs from the defaults.
import type { FieldInfo, StreamConfig } from '../../main/api/contract';
import type { FieldErrors } from '../forms/fieldErrors';
import {
  chosenColumns,
  temporalColumns,
  withPace,
  type Pace,
  type Partitioner,
  type StreamForm,
  type TimestampFormat,
} from '../forms/streamForm';
import { CheckboxField, describedBy, Field } from './Field';

const PARTITIONERS: readonly { value: Partitioner; label: string; hint: string }[] = [
  { value: 'default', label: 'default (murmur2)', hint: 'the partition Kafka’s Java client picks' },
  { value: 'modulo', label: 'modulo', hint: 'int(key) % partitions, as the Python pipeline' },
  { value: 'round-robin', label: 'round-robin', hint: 'rows spread evenly, whatever the key' },
];

const PACES: readonly { value: Pace; label: string }[] = [
  { value: 'unthrottled', label: 'As fast as possible' },
  { value: 'rate', label: 'Fixed rate (rows/s, set above)' },
  { value: 'replay', label: 'Replay by event time' },
];

export function ProducerSettings(props: {
  form: StreamForm;
  /** applies a change to one form value */
  edit: (key: keyof StreamForm, change: (form: StreamForm) => StreamForm) => void;
  fields: readonly FieldInfo[];
  errors: FieldErrors<keyof StreamConfig>;
  summary: string;
  disabled: boolean;
}) {
  const { form, edit, fields, errors, disabled } = props;
  const { keyColumn, replayColumn } = chosenColumns(form, fields);
  const timeColumns = temporalColumns(fields);
  const replaying = form.pace === 'replay';
  const set = <K extends keyof StreamForm>(key: K, value: StreamForm[K]) =>
    edit(key, (current) => ({ ...current, [key]: value }));
  const keyType = fields.find((field) => field.name === keyColumn)?.type;
  const keyHint =
    fields.length === 0
      ? 'open a dataset to choose a column'
      : keyType
        ? `type ${keyType}`
        : 'the row’s index in the dataset';
  const partitionerHint = PARTITIONERS.find((choice) => choice.value === form.partitioner)?.hint;

  return (
    <details className="producer-settings">
      <summary>
        Producer settings <span className="settings-summary">{props.summary}</span>
      </summary>
      <div className="settings-grid">
        <Field id="stream-keyColumn" label="Key column" error={errors.keyColumn} hint={keyHint}>
          <select
            {...describedBy('stream-keyColumn', errors.keyColumn, keyHint)}
            value={keyColumn}
            disabled={disabled}
            onChange={(event) => set('keyColumn', event.target.value)}
          >
            <option value="">(row index)</option>
            {fields.map((field) => (
              <option key={field.name} value={field.name}>
                {field.name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="stream-partitioner"
          label="Partitioner"
          error={errors.partitioner}
          hint={partitionerHint}
        >
          <select
            {...describedBy('stream-partitioner', errors.partitioner, partitionerHint)}
            value={form.partitioner}
            disabled={disabled}
            onChange={(event) => set('partitioner', event.target.value as Partitioner)}
          >
            {PARTITIONERS.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </Field>
        <Field id="stream-timestamps" label="Timestamps" error={errors.timestamps}>
          <select
            {...describedBy('stream-timestamps', errors.timestamps)}
            value={form.timestamps}
            disabled={disabled}
            onChange={(event) => set('timestamps', event.target.value as TimestampFormat)}
          >
            <option value="iso">ISO-8601 text</option>
            <option value="epoch-ms">epoch milliseconds</option>
          </select>
        </Field>

        <fieldset className="choices settings-wide" disabled={disabled}>
          <legend>Pace</legend>
          <div className="choice-row">
            {PACES.map((choice) => {
              const unavailable = choice.value === 'replay' && timeColumns.length === 0;
              return (
                <label key={choice.value} className="choice">
                  <input
                    type="radio"
                    name="stream-pace"
                    id={`stream-pace-${choice.value}`}
                    value={choice.value}
                    checked={form.pace === choice.value}
                    disabled={unavailable}
                    onChange={() => edit('pace', (current) => withPace(current, choice.value))}
                  />
                  {choice.label}
                  {unavailable && fields.length > 0 && (
                    <small className="field-hint">(no timestamp or date column)</small>
                  )}
                </label>
              );
            })}
          </div>
          <div className="settings-grid">
            <Field id="stream-replayColumn" label="Timestamp column" error={errors.replayColumn}>
              <select
                {...describedBy('stream-replayColumn', errors.replayColumn)}
                value={replayColumn}
                disabled={!replaying || timeColumns.length === 0}
                onChange={(event) => set('replayColumn', event.target.value)}
              >
                {timeColumns.length === 0 && <option value="">(none)</option>}
                {timeColumns.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              id="stream-speed"
              label="Speed"
              error={errors.speed}
              hint="2 = twice as fast as recorded"
            >
              <input
                {...describedBy('stream-speed', errors.speed, '2 = twice as fast as recorded')}
                type="number"
                min={0}
                step="any"
                placeholder="1"
                value={form.speed}
                disabled={!replaying}
                onChange={(event) => set('speed', event.target.value)}
              />
            </Field>
          </div>
        </fieldset>

        <Field id="stream-offset" label="Offset (rows to skip)" error={errors.offset}>
          <input
            {...describedBy('stream-offset', errors.offset)}
            type="number"
            min={0}
            step={1}
            placeholder="0"
            value={form.offset}
            disabled={disabled}
            onChange={(event) => set('offset', event.target.value)}
          />
        </Field>
        <Field id="stream-limit" label="Limit (max rows)" error={errors.limit}>
          <input
            {...describedBy('stream-limit', errors.limit)}
            type="number"
            min={1}
            step={1}
            placeholder="all"
            value={form.limit}
            disabled={disabled}
            onChange={(event) => set('limit', event.target.value)}
          />
        </Field>
        <CheckboxField
          id="stream-resume"
          label="Resume from the last checkpoint"
          checked={form.resume}
          disabled={disabled}
          error={errors.resume}
          hint="of this file and input topic"
          onChange={(checked) => set('resume', checked)}
        />
        <CheckboxField
          id="stream-shuffle"
          label="Shuffle within row groups"
          checked={form.shuffle}
          disabled={disabled}
          error={errors.shuffle}
          onChange={(checked) => set('shuffle', checked)}
        />
        <Field id="stream-seed" label="Seed" error={errors.seed} hint="empty = random">
          <input
            {...describedBy('stream-seed', errors.seed, 'empty = random')}
            type="number"
            min={0}
            step={1}
            placeholder="random"
            value={form.seed}
            disabled={disabled || !form.shuffle}
            onChange={(event) => set('seed', event.target.value)}
          />
        </Field>
      </div>
    </details>
  );
}
