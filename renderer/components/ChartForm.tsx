// The form that adds or edits a chart: its type, title, the output fields it draws (only the
// discovered fields that fit each role), the aggregate for bars, the bins of a histogram and the
// rolling window (last N rows or last T seconds).
import { useState, type FormEvent } from 'react';
import {
  chartAggregates,
  chartTypes,
  type ChartAggregate,
  type ChartSpec,
  type ChartType,
  type OutputField,
} from '../../main/api/contract';
import {
  axisRole,
  CHART_TYPE_LABELS,
  chartOfForm,
  fieldChoices,
  formOfChart,
  newChartForm,
  withType,
  type ChartForm as ChartFormValues,
  type ChartFormField,
} from '../forms/chartForm';
import type { FieldErrors } from '../forms/fieldErrors';
import { describedBy, Field } from './Field';

function FieldSelect(props: {
  id: string;
  label: string;
  value: string;
  choices: OutputField[];
  /** the text of the empty choice; absent → a field must be chosen */
  empty?: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  const { id, error } = props;
  return (
    <Field id={id} label={props.label} error={error}>
      <select
        {...describedBy(id, error)}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.empty !== undefined ? <option value="">{props.empty}</option> : null}
        {props.empty === undefined && props.value === '' ? (
          <option value="">choose a field</option>
        ) : null}
        {props.choices.map((field) => (
          <option key={field.name} value={field.name}>
            {field.name} ({field.type})
          </option>
        ))}
      </select>
    </Field>
  );
}

export function ChartForm(props: {
  fields: OutputField[];
  /** the chart being edited; absent → a new chart */
  editing?: ChartSpec;
  newId: string;
  onSave: (spec: ChartSpec) => Promise<boolean>;
  onCancel: () => void;
}) {
  const { fields, editing } = props;
  const [values, setValues] = useState<ChartFormValues>(() =>
    editing ? formOfChart(editing) : newChartForm(fields),
  );
  const [errors, setErrors] = useState<FieldErrors<ChartFormField>>({});
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<ChartFormValues>) => {
    setValues((current) => ({ ...current, ...change }));
    setErrors({});
  };
  const xRole = axisRole(values.type, 'x', values.aggregate);
  const yRole = axisRole(values.type, 'y', values.aggregate);
  const prefix = editing ? `chart-edit-${editing.id}` : 'chart-new';

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = chartOfForm(values, editing?.id ?? props.newId, editing);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setBusy(true);
    const saved = await props.onSave(result.spec);
    setBusy(false);
    if (!saved) setErrors({ title: 'the chart could not be saved — see the notice above' });
  }

  return (
    <form
      className="chart-form grid-form"
      onSubmit={submit}
      aria-label={editing ? 'Edit chart' : 'Add chart'}
    >
      <Field id={`${prefix}-type`} label="Chart type">
        <select
          id={`${prefix}-type`}
          value={values.type}
          onChange={(e) => {
            setValues((current) => withType(current, e.target.value as ChartType, fields));
            setErrors({});
          }}
        >
          {chartTypes.map((type) => (
            <option key={type} value={type}>
              {CHART_TYPE_LABELS[type]}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id={`${prefix}-title`}
        label="Title"
        error={errors.title}
        hint="empty: named after its fields"
      >
        <input
          {...describedBy(`${prefix}-title`, errors.title, 'empty: named after its fields')}
          value={values.title}
          onChange={(e) => set({ title: e.target.value })}
        />
      </Field>
      {values.type === 'bar' && (
        <Field id={`${prefix}-aggregate`} label="Aggregate">
          <select
            id={`${prefix}-aggregate`}
            value={values.aggregate}
            onChange={(e) =>
              setValues((current) =>
                withType(
                  { ...current, aggregate: e.target.value as ChartAggregate },
                  current.type,
                  fields,
                ),
              )
            }
          >
            {chartAggregates.map((op) => (
              <option key={op} value={op}>
                {op}
              </option>
            ))}
          </select>
        </Field>
      )}
      {xRole !== 'unused' && (
        <FieldSelect
          id={`${prefix}-x`}
          label={values.type === 'box' || values.type === 'bar' ? 'Category (x)' : 'x'}
          value={values.x}
          choices={fieldChoices(values.type, 'x', fields)}
          empty={
            xRole === 'optional'
              ? values.type === 'line'
                ? 'arrival time'
                : values.type === 'window'
                  ? 'window_start'
                  : 'none'
              : undefined
          }
          error={errors.x}
          onChange={(x) => set({ x })}
        />
      )}
      {yRole !== 'unused' && (
        <FieldSelect
          id={`${prefix}-y`}
          label={values.type === 'bar' ? `Value (${values.aggregate})` : 'y'}
          value={values.y}
          choices={fieldChoices(values.type, 'y', fields)}
          error={errors.y}
          onChange={(y) => set({ y })}
        />
      )}
      <FieldSelect
        id={`${prefix}-group`}
        label="Group (colour)"
        value={values.group}
        choices={fieldChoices(values.type, 'group', fields)}
        empty="none"
        error={errors.group}
        onChange={(group) => set({ group })}
      />
      {values.type === 'histogram' && (
        <Field id={`${prefix}-bins`} label="Bins" error={errors.bins}>
          <input
            {...describedBy(`${prefix}-bins`, errors.bins)}
            type="number"
            min={1}
            max={200}
            value={values.bins}
            onChange={(e) => set({ bins: e.target.value })}
          />
        </Field>
      )}
      {values.type === 'window' && (
        <Field id={`${prefix}-style`} label="Draw as">
          <select
            id={`${prefix}-style`}
            value={values.style}
            onChange={(e) => set({ style: e.target.value as 'line' | 'bar' })}
          >
            <option value="line">lines</option>
            <option value="bar">bars</option>
          </select>
        </Field>
      )}
      <Field id={`${prefix}-window`} label="Window" error={errors.window}>
        <span className="window-input">
          <input
            {...describedBy(`${prefix}-window`, errors.window)}
            type="number"
            min={1}
            value={values.windowSize}
            onChange={(e) => set({ windowSize: e.target.value })}
          />
          <select
            aria-label="Window unit"
            value={values.windowKind}
            onChange={(e) => set({ windowKind: e.target.value as 'rows' | 'seconds' })}
          >
            <option value="rows">last rows</option>
            <option value="seconds">last seconds</option>
          </select>
        </span>
      </Field>
      <span className="button-row chart-form-buttons">
        <button type="submit" className="primary" disabled={busy}>
          {editing ? 'Save chart' : 'Add this chart'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </span>
    </form>
  );
}
