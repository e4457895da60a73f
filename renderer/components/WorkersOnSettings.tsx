// "Run workers on: this machine | SLURM cluster", and the SLURM options when the cluster is
// chosen: partition, time limit, data dir pattern and web port base (empty = the defaults).
import type { StreamConfig } from '../../main/api/contract';
import type { FieldErrors } from '../forms/fieldErrors';
import type { StreamForm } from '../forms/streamForm';
import { describedBy, Field } from './Field';

type SlurmField = 'slurmPartition' | 'slurmTime' | 'slurmDataDirPattern' | 'slurmWebPortBase';

const SLURM_FIELDS: readonly {
  key: SlurmField;
  label: string;
  placeholder: string;
  hint: string;
}[] = [
  { key: 'slurmPartition', label: 'Partition', placeholder: 'cluster default', hint: '' },
  { key: 'slurmTime', label: 'Time limit', placeholder: 'e.g. 2:00:00', hint: 'per worker task' },
  {
    key: 'slurmDataDirPattern',
    label: 'Data dir pattern',
    placeholder: '<job dir>/data/worker-%a',
    hint: '%a is the task id',
  },
  {
    key: 'slurmWebPortBase',
    label: 'Web port base',
    placeholder: '6066',
    hint: 'task N listens on base + N',
  },
];

export function WorkersOnSettings(props: {
  form: StreamForm;
  edit: (key: keyof StreamForm, change: (current: StreamForm) => StreamForm) => void;
  errors: FieldErrors<keyof StreamConfig>;
  disabled: boolean;
}) {
  const { form, edit, errors, disabled } = props;
  const set = (key: keyof StreamForm, value: string) =>
    edit(key, (current) => ({ ...current, [key]: value }));
  return (
    <fieldset className="choices settings-wide" disabled={disabled}>
      <legend>Run workers on</legend>
      <div className="choice-row">
        {(
          [
            ['local', 'This machine'],
            ['slurm', 'SLURM cluster'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="choice">
            <input
              type="radio"
              name="stream-workersOn"
              id={value === 'local' ? 'stream-workersOn' : `stream-workersOn-${value}`}
              value={value}
              checked={form.workersOn === value}
              onChange={() => set('workersOn', value)}
            />
            {label}
          </label>
        ))}
      </div>
      {errors.workersOn && (
        <p className="field-error" role="alert">
          {errors.workersOn}
        </p>
      )}
      {form.workersOn === 'slurm' && (
        <div className="settings-grid">
          {SLURM_FIELDS.map(({ key, label, placeholder, hint }) => (
            <Field
              key={key}
              id={`stream-${key}`}
              label={label}
              error={errors[key]}
              hint={hint || undefined}
            >
              <input
                {...describedBy(`stream-${key}`, errors[key], hint || undefined)}
                type={key === 'slurmWebPortBase' ? 'number' : 'text'}
                spellCheck={false}
                placeholder={placeholder}
                value={form[key]}
                onChange={(event) => set(key, event.target.value)}
              />
            </Field>
          ))}
        </div>
      )}
    </fieldset>
  );
}
