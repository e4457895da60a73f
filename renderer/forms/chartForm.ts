// The "Add chart" / "Edit chart" form as plain data: the text the inputs hold, which discovered
// fields each chart type offers for x, y and group, and the spec the form makes — checked with the
// contract's own schema, its errors put beside the fields they name.
import {
  chartFieldRoles,
  chartSpecSchema,
  DEFAULT_WINDOW_ROWS,
  type ChartAggregate,
  type ChartSpec,
  type ChartType,
  type OutputField,
  type OutputFieldType,
} from '../../main/api/contract';
import type { FieldErrors } from './fieldErrors';

export interface ChartForm {
  type: ChartType;
  title: string;
  x: string;
  y: string;
  group: string;
  aggregate: ChartAggregate;
  windowKind: 'rows' | 'seconds';
  windowSize: string;
  bins: string;
  style: 'line' | 'bar';
}

export type ChartFormField = 'title' | 'x' | 'y' | 'group' | 'window' | 'bins';

export const CHART_TYPE_LABELS: Record<ChartType, string> = {
  box: 'Box plot (numbers by category)',
  histogram: 'Histogram',
  bar: 'Bar (count or aggregate by category)',
  scatter: 'Scatter (number against number)',
  line: 'Line over time',
  window: 'Window results (aggregate per window)',
};

const NUMERIC: OutputFieldType[] = ['number'];
const ANY: OutputFieldType[] = ['string', 'boolean', 'number', 'timestamp'];
const CATEGORY: OutputFieldType[] = ['string', 'boolean', 'number'];
const TIME_OR_NUMBER: OutputFieldType[] = ['timestamp', 'number'];

/** The field types each axis accepts, per chart type; unused axes accept none. */
const AXIS_TYPES: Record<ChartType, { x: OutputFieldType[]; y: OutputFieldType[] }> = {
  box: { x: CATEGORY, y: NUMERIC },
  histogram: { x: NUMERIC, y: [] },
  bar: { x: ANY, y: NUMERIC },
  scatter: { x: NUMERIC, y: NUMERIC },
  line: { x: TIME_OR_NUMBER, y: NUMERIC },
  window: { x: ['timestamp'], y: NUMERIC },
};

/** The discovered fields the form offers for an axis of a chart type. */
export function fieldChoices(
  type: ChartType,
  axis: 'x' | 'y' | 'group',
  fields: readonly OutputField[],
): OutputField[] {
  const types = axis === 'group' ? CATEGORY : AXIS_TYPES[type][axis];
  return fields.filter((field) => types.includes(field.type));
}

/** Whether the axis shows at all, and whether it may be left empty. */
export function axisRole(type: ChartType, axis: 'x' | 'y', aggregate: ChartAggregate) {
  if (type === 'bar' && axis === 'y') return aggregate === 'count' ? 'unused' : 'required';
  return chartFieldRoles[type][axis];
}

/** A form for a new chart: the first fields that fit. */
export function newChartForm(
  fields: readonly OutputField[],
  type: ChartType = 'histogram',
): ChartForm {
  return withType(
    {
      type,
      title: '',
      x: '',
      y: '',
      group: '',
      aggregate: 'count',
      windowKind: 'rows',
      windowSize: String(DEFAULT_WINDOW_ROWS),
      bins: '20',
      style: 'line',
    },
    type,
    fields,
  );
}

/** Switches the type, keeping fields that still fit and filling required ones that do not. */
export function withType(
  form: ChartForm,
  type: ChartType,
  fields: readonly OutputField[],
): ChartForm {
  const pick = (axis: 'x' | 'y' | 'group', current: string) => {
    const choices = fieldChoices(type, axis, fields);
    if (choices.some((field) => field.name === current)) return current;
    if (axis === 'group') return '';
    const role = axisRole(type, axis, form.aggregate);
    if (type === 'window' && axis === 'x') return '';
    return role === 'required' ? (choices[0]?.name ?? '') : '';
  };
  return {
    ...form,
    type,
    x: pick('x', form.x),
    y: pick('y', form.y),
    group: pick('group', form.group),
  };
}

export function formOfChart(spec: ChartSpec): ChartForm {
  const seconds = 'seconds' in spec.window;
  return {
    type: spec.type,
    title: spec.title,
    x: spec.x ?? '',
    y: spec.y ?? '',
    group: spec.group ?? '',
    aggregate: spec.aggregate ?? 'count',
    windowKind: seconds ? 'seconds' : 'rows',
    windowSize: String('seconds' in spec.window ? spec.window.seconds : spec.window.rows),
    bins: String(spec.bins ?? 20),
    style: spec.style ?? 'line',
  };
}

function defaultTitle(form: ChartForm): string {
  switch (form.type) {
    case 'histogram':
      return `Distribution of ${form.x}`;
    case 'bar':
      return form.aggregate === 'count'
        ? `Rows by ${form.x}`
        : `${form.aggregate} of ${form.y} by ${form.x}`;
    case 'window':
      return `${form.y} per window`;
    case 'line':
      return form.x ? `${form.y} over ${form.x}` : `${form.y} over time`;
    default:
      return form.x ? `${form.y} by ${form.x}` : form.y;
  }
}

/** The spec the form makes (keeping the edited chart's id and labels), or errors per field. */
export function chartOfForm(
  form: ChartForm,
  id: string,
  editing?: ChartSpec,
): { ok: true; spec: ChartSpec } | { ok: false; errors: FieldErrors<ChartFormField> } {
  const size = Number(form.windowSize);
  const candidate: Record<string, unknown> = {
    id,
    title: form.title.trim() || defaultTitle(form),
    type: form.type,
    window: form.windowKind === 'rows' ? { rows: size } : { seconds: size },
  };
  const x = axisRole(form.type, 'x', form.aggregate) === 'unused' ? '' : form.x;
  const y = axisRole(form.type, 'y', form.aggregate) === 'unused' ? '' : form.y;
  if (x) candidate.x = x;
  if (y) candidate.y = y;
  if (form.group) candidate.group = form.group;
  if (form.type === 'bar') candidate.aggregate = form.aggregate;
  if (form.type === 'histogram') candidate.bins = Number(form.bins);
  if (form.type === 'window') candidate.style = form.style;
  // labels written for the edited chart's fields stay while those fields do
  if (editing?.xLabel !== undefined && editing.x === x) candidate.xLabel = editing.xLabel;
  if (editing?.yLabel !== undefined && editing.y === y) candidate.yLabel = editing.yLabel;
  const parsed = chartSpecSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, spec: parsed.data };
  const errors: FieldErrors<ChartFormField> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as ChartFormField | undefined;
    if (field && !errors[field]) {
      errors[field] = field === 'window' ? windowMessage(form) : issue.message;
    }
  }
  return { ok: false, errors };
}

function windowMessage(form: ChartForm): string {
  return form.windowKind === 'rows'
    ? 'the window holds 1 to 100,000 rows'
    : 'the window lasts more than 0 and at most 86,400 seconds';
}
