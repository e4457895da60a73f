// One step of the transform builder as a form, per step type (select, map, filter, derive, cast,
// window, module). Field inputs suggest the fields that reach the step (the dataset's schema, then
// what the engine's preview says the earlier steps leave) but take any name, so a field the
// preview does not know yet can still be written; the engine's message about the step shows
// beneath it. Conditions the form cannot show (and / or / not) are edited as JSON.
import { useState, type ReactNode } from 'react';
import { CONDITION_OPS } from '../../main/api/contract';
import { describedBy, Field } from '../components/Field';
import { textOfValue, valueOfText, type DraftStep } from './transformDraft';

type Change = (step: DraftStep) => void;

interface StepProps {
  step: DraftStep;
  /** prefix of every input id: "step-2" */
  id: string;
  /** the datalist of the fields reaching this step */
  fieldList: string;
  onChange: Change;
}

/** The step with `key` set, or removed when the value is empty (an option left out). */
function withOption(step: DraftStep, key: string, value: unknown): DraftStep {
  const next = { ...step };
  if (value === '' || value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function TextInput(props: {
  id: string;
  label: string;
  value: string;
  list?: string;
  placeholder?: string;
  hint?: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field id={props.id} label={props.label} hint={props.hint}>
      <input
        {...describedBy(props.id, undefined, props.hint)}
        type="text"
        list={props.list}
        value={props.value}
        placeholder={props.placeholder}
        spellCheck={false}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </Field>
  );
}

function Choice(props: {
  id: string;
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
}) {
  return (
    <Field id={props.id} label={props.label}>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option || '—'}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** JSON text for a part of the step; applied whenever it parses. */
function JsonInput(props: {
  id: string;
  label: string;
  value: unknown;
  hint: string;
  onChange: (value: unknown) => void;
}) {
  const [source, setSource] = useState(() => JSON.stringify(props.value, null, 1));
  const [error, setError] = useState<string>();
  return (
    <Field id={props.id} label={props.label} hint={props.hint} error={error}>
      <textarea
        {...describedBy(props.id, error, props.hint)}
        rows={3}
        spellCheck={false}
        value={source}
        onChange={(event) => {
          setSource(event.target.value);
          try {
            props.onChange(JSON.parse(event.target.value));
            setError(undefined);
          } catch (problem) {
            setError(`not valid JSON yet: ${(problem as Error).message}`);
          }
        }}
      />
    </Field>
  );
}

/** A list of rows (selected fields, aggregates) with add and remove. */
function RowList<T>(props: {
  label: string;
  rows: T[];
  blank: T;
  render: (row: T, index: number, set: (row: T) => void) => ReactNode;
  onChange: (rows: T[]) => void;
}) {
  const { rows, onChange } = props;
  return (
    <div className="step-rows">
      {rows.map((row, index) => (
        <div className="step-row" key={index}>
          {props.render(row, index, (changed) =>
            onChange(rows.map((old, at) => (at === index ? changed : old))),
          )}
          <button
            type="button"
            aria-label={`Remove ${props.label} ${index + 1}`}
            onClick={() => onChange(rows.filter((_, at) => at !== index))}
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, props.blank])}>
        Add {props.label}
      </button>
    </div>
  );
}

type SelectEntry = string | { field: string; as?: string };

function SelectForm({ step, id, fieldList, onChange }: StepProps) {
  const entries = (Array.isArray(step.fields) ? step.fields : []) as SelectEntry[];
  return (
    <RowList<SelectEntry>
      label="field"
      rows={entries}
      blank=""
      onChange={(fields) => onChange({ ...step, fields })}
      render={(entry, index, set) => {
        const field = typeof entry === 'string' ? entry : entry.field;
        const as = typeof entry === 'string' ? '' : (entry.as ?? '');
        const entryOf = (name: string, rename: string) =>
          rename ? { field: name, as: rename } : name;
        return (
          <>
            <TextInput
              id={`${id}-field-${index + 1}`}
              label="Field"
              list={fieldList}
              value={field}
              onChange={(value) => set(entryOf(value, as))}
            />
            <TextInput
              id={`${id}-as-${index + 1}`}
              label="Rename to"
              value={as}
              placeholder="(same name)"
              onChange={(value) => set(entryOf(field, value))}
            />
          </>
        );
      }}
    />
  );
}

function MapForm({ step, id, fieldList, onChange }: StepProps) {
  const unmapped = text(step.unmapped) || 'keep';
  return (
    <>
      <TextInput
        id={`${id}-field`}
        label="Field"
        list={fieldList}
        value={text(step.field)}
        onChange={(value) => onChange({ ...step, field: value })}
      />
      <TextInput
        id={`${id}-as`}
        label="Write to"
        value={text(step.as)}
        placeholder="(the same field)"
        onChange={(value) => onChange(withOption(step, 'as', value))}
      />
      <JsonInput
        id={`${id}-values`}
        label="Values"
        value={step.values ?? {}}
        hint='{"from": "to", …}'
        onChange={(values) => onChange({ ...step, values })}
      />
      <Choice
        id={`${id}-unmapped`}
        label="Other values"
        value={unmapped}
        options={['keep', 'drop', 'default']}
        onChange={(value) => {
          const next: DraftStep = { ...step, unmapped: value };
          if (value !== 'default') delete next.default;
          else next.default ??= null;
          onChange(next);
        }}
      />
      {unmapped === 'default' && (
        <TextInput
          id={`${id}-default`}
          label="Default"
          value={textOfValue(step.default)}
          onChange={(value) => onChange({ ...step, default: valueOfText(value) })}
        />
      )}
    </>
  );
}

type Comparison = { field: string; op: string; value?: unknown };

function isComparison(where: unknown): where is Comparison {
  return typeof where === 'object' && where !== null && 'op' in where && 'field' in where;
}

function FilterForm({ step, id, fieldList, onChange }: StepProps) {
  const where = step.where;
  const initialMode =
    typeof where === 'string' ? 'expression' : isComparison(where) ? 'condition' : 'json';
  const [mode, setMode] = useState<'condition' | 'expression' | 'json'>(initialMode);
  const condition: Comparison = isComparison(where) ? where : { field: '', op: 'eq', value: '' };
  const setCondition = (next: Comparison) => {
    const valueless = next.op === 'is-null' || next.op === 'not-null';
    const { value, ...rest } = next;
    onChange({ ...step, where: valueless ? rest : { ...rest, value } });
  };
  const list = condition.op === 'in' || condition.op === 'not-in';
  return (
    <>
      <Choice
        id={`${id}-mode`}
        label="Keep rows where"
        value={mode}
        options={['condition', 'expression', 'json']}
        onChange={(value) => {
          const next = value as typeof mode;
          setMode(next);
          if (next === 'expression' && typeof where !== 'string') onChange({ ...step, where: '' });
          if (next === 'condition' && !isComparison(where))
            onChange({ ...step, where: { field: '', op: 'not-null' } });
        }}
      />
      {mode === 'expression' && (
        <TextInput
          id={`${id}-where`}
          label="Expression"
          value={text(where)}
          placeholder="fare > 10 and passengers >= 2"
          hint="true keeps the row"
          onChange={(value) => onChange({ ...step, where: value })}
        />
      )}
      {mode === 'condition' && (
        <>
          <TextInput
            id={`${id}-field`}
            label="Field"
            list={fieldList}
            value={condition.field}
            onChange={(value) => setCondition({ ...condition, field: value })}
          />
          <Choice
            id={`${id}-op`}
            label="Test"
            value={condition.op}
            options={CONDITION_OPS}
            onChange={(op) => {
              const toList = op === 'in' || op === 'not-in';
              const value = toList === list ? condition.value : toList ? [] : '';
              setCondition({ ...condition, op, value });
            }}
          />
          {condition.op !== 'is-null' && condition.op !== 'not-null' && (
            <TextInput
              id={`${id}-value`}
              label={list ? 'Values' : 'Value'}
              hint={list ? 'separated by commas' : undefined}
              value={
                list && Array.isArray(condition.value)
                  ? condition.value.map(textOfValue).join(', ')
                  : textOfValue(condition.value)
              }
              onChange={(value) =>
                setCondition({
                  ...condition,
                  value: list
                    ? value.split(',').flatMap((part) => (part.trim() ? [valueOfText(part)] : []))
                    : valueOfText(value),
                })
              }
            />
          )}
        </>
      )}
      {mode === 'json' && (
        <JsonInput
          id={`${id}-where`}
          label="Condition"
          value={where ?? {}}
          hint='{"and": [{"field": …, "op": …, "value": …}, …]}'
          onChange={(value) => onChange({ ...step, where: value })}
        />
      )}
    </>
  );
}

function DeriveForm({ step, id, fieldList, onChange }: StepProps) {
  return (
    <>
      <TextInput
        id={`${id}-field`}
        label="New field"
        value={text(step.field)}
        onChange={(value) => onChange({ ...step, field: value })}
      />
      <TextInput
        id={`${id}-expr`}
        label="Expression"
        list={fieldList}
        value={text(step.expr)}
        placeholder="round(fare * 1.2, 2)"
        onChange={(value) => onChange({ ...step, expr: value })}
      />
    </>
  );
}

function CastForm({ step, id, fieldList, onChange }: StepProps) {
  return (
    <>
      <TextInput
        id={`${id}-field`}
        label="Field"
        list={fieldList}
        value={text(step.field)}
        onChange={(value) => onChange({ ...step, field: value })}
      />
      <Choice
        id={`${id}-to`}
        label="To"
        value={text(step.to)}
        options={['number', 'string', 'boolean', 'timestamp']}
        onChange={(value) => onChange({ ...step, to: value })}
      />
      <Choice
        id={`${id}-onError`}
        label="When it fails"
        value={text(step.onError)}
        options={['', 'drop', 'null']}
        onChange={(value) => onChange(withOption(step, 'onError', value))}
      />
    </>
  );
}

type Aggregate = { op: string; field?: string; as: string };

function WindowForm({ step, id, fieldList, onChange }: StepProps) {
  const time = step.time;
  const timeField =
    typeof time === 'object' && time !== null ? text((time as { field?: unknown }).field) : '';
  const keys = Array.isArray(step.key) ? (step.key as string[]) : [];
  const [keyText, setKeyText] = useState(keys.join(', '));
  const aggregates = (Array.isArray(step.aggregates) ? step.aggregates : []) as Aggregate[];
  return (
    <>
      <TextInput
        id={`${id}-time`}
        label="Event time field"
        list={fieldList}
        value={timeField}
        placeholder="(processing time)"
        onChange={(value) => onChange({ ...step, time: value ? { field: value } : 'processing' })}
      />
      <TextInput
        id={`${id}-size`}
        label="Size"
        value={text(step.size)}
        hint="500ms, 30s, 10m, 1h, 1d"
        onChange={(value) => onChange({ ...step, size: value })}
      />
      <TextInput
        id={`${id}-hop`}
        label="Hop"
        value={text(step.hop)}
        placeholder="(tumbling)"
        onChange={(value) => onChange(withOption(step, 'hop', value))}
      />
      <TextInput
        id={`${id}-grace`}
        label="Grace"
        value={text(step.grace)}
        placeholder="0"
        onChange={(value) => onChange(withOption(step, 'grace', value))}
      />
      <TextInput
        id={`${id}-key`}
        label="Group by"
        list={fieldList}
        value={keyText}
        hint="fields, separated by commas"
        onChange={(value) => {
          setKeyText(value);
          const names = value.split(',').flatMap((name) => (name.trim() ? [name.trim()] : []));
          onChange(withOption(step, 'key', names.length > 0 ? names : undefined));
        }}
      />
      <Choice
        id={`${id}-emit`}
        label="Emit"
        value={text(step.emit) || 'close'}
        options={['close', 'update']}
        onChange={(value) => onChange({ ...step, emit: value })}
      />
      <RowList<Aggregate>
        label="aggregate"
        rows={aggregates}
        blank={{ op: 'count', as: '' }}
        onChange={(rows) => onChange({ ...step, aggregates: rows })}
        render={(aggregate, index, set) => (
          <>
            <Choice
              id={`${id}-op-${index + 1}`}
              label="Aggregate"
              value={aggregate.op}
              options={['count', 'sum', 'mean', 'min', 'max', 'quantiles']}
              onChange={(op) => set({ ...aggregate, op })}
            />
            <TextInput
              id={`${id}-of-${index + 1}`}
              label="Of field"
              list={fieldList}
              value={aggregate.field ?? ''}
              onChange={(field) => {
                const next: Aggregate = { ...aggregate, field };
                if (!field) delete next.field;
                set(next);
              }}
            />
            <TextInput
              id={`${id}-name-${index + 1}`}
              label="As"
              value={aggregate.as}
              onChange={(as) => set({ ...aggregate, as })}
            />
          </>
        )}
      />
    </>
  );
}

function ModuleForm({ step, id, onChange }: StepProps) {
  return (
    <TextInput
      id={`${id}-path`}
      label="Module path"
      value={text(step.path)}
      placeholder="/home/me/transform.mjs"
      hint="a .js, .cjs or .mjs file on the engine's machine"
      onChange={(value) => onChange({ ...step, path: value })}
    />
  );
}

const FORMS: Record<DraftStep['type'], (props: StepProps) => ReactNode> = {
  select: SelectForm,
  map: MapForm,
  filter: FilterForm,
  derive: DeriveForm,
  cast: CastForm,
  window: WindowForm,
  module: ModuleForm,
};

export function StepForm(props: {
  step: DraftStep;
  index: number;
  count: number;
  /** the fields reaching this step, as far as they are known */
  fields: readonly string[];
  /** the engine's message about this step */
  error?: string;
  onChange: Change;
  onMove: (to: number) => void;
  onRemove: () => void;
}) {
  const { step, index } = props;
  const id = `step-${index + 1}`;
  const fieldList = `${id}-fields`;
  const Form = FORMS[step.type];
  return (
    <fieldset
      className={props.error ? 'transform-step field-invalid' : 'transform-step'}
      data-testid={id}
      aria-describedby={props.error ? `${id}-error` : undefined}
    >
      <legend>
        Step {index + 1}: {step.type}
      </legend>
      <datalist id={fieldList}>
        {props.fields.map((field) => (
          <option key={field} value={field} />
        ))}
      </datalist>
      <div className="step-fields">
        {Form ? <Form step={step} id={id} fieldList={fieldList} onChange={props.onChange} /> : null}
      </div>
      <span className="button-row">
        <button
          type="button"
          aria-label={`Move step ${index + 1} up`}
          disabled={index === 0}
          onClick={() => props.onMove(index - 1)}
        >
          ↑
        </button>
        <button
          type="button"
          aria-label={`Move step ${index + 1} down`}
          disabled={index === props.count - 1}
          onClick={() => props.onMove(index + 1)}
        >
          ↓
        </button>
        <button type="button" aria-label={`Remove step ${index + 1}`} onClick={props.onRemove}>
          Remove
        </button>
      </span>
      {props.error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
