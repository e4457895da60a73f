// The stateless steps, each compiled once into a function of one row: a row out, several rows
// out (a module may split a row), or null when the step drops the row on purpose. A row the step
// cannot handle throws RowValueError; RecoveredRowError also carries the row to pass on anyway.
import { compileCondition } from './conditions';
import { compileExpression } from './expression/evaluator';
import { describeValue, RowValueError } from './expression/expressionErrors';
import { asNumber, asText } from './expression/functions';
import { fieldReader, fieldWriter, setField } from './fieldPath';
import type { Row } from './pipeline';
import { formatTimestamp, toEpochMs } from './timestamps';
import type { CastStep, DeriveStep, FilterStep, MapStep, SelectStep } from './transformSpec';

export type RowStep = (row: Row) => Row | Row[] | null;

/** A JavaScript module's transform function. */
export type RowFunction = (row: Row) => unknown;

/** The row failed the step, but the step passes it on (cast with onError "null"). */
export class RecoveredRowError extends RowValueError {
  constructor(
    message: string,
    readonly row: Row,
  ) {
    super(message);
  }
}

export function selectStep(step: SelectStep): RowStep {
  const fields = step.fields.map((entry) => {
    const field = typeof entry === 'string' ? entry : entry.field;
    const as = typeof entry === 'string' ? entry : (entry.as ?? entry.field);
    return { read: fieldReader(field), as };
  });
  if (fields.some(({ as }) => as === '__proto__')) {
    return (row) => {
      const out: Row = {};
      for (const { read, as } of fields) setField(out, as, read(row));
      return out;
    };
  }
  return (row) => {
    const out: Row = {};
    for (const { read, as } of fields) out[as] = read(row);
    return out;
  };
}

/** Map keys are text: a text value matches its own key, a number or boolean its JSON text. */
export function mapStep(step: MapStep): RowStep {
  const read = fieldReader(step.field);
  const write = fieldWriter(step.as ?? step.field);
  const values = new Map(Object.entries(step.values));
  const unmapped = step.unmapped ?? 'keep';
  return (row) => {
    const value = read(row);
    const key =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : null;
    if (key !== null && values.has(key)) return write(row, values.get(key));
    if (unmapped === 'drop') return null;
    return write(row, unmapped === 'default' ? step.default : value);
  };
}

export function filterStep(step: FilterStep): RowStep {
  if (typeof step.where !== 'string') {
    const test = compileCondition(step.where);
    return (row) => (test(row) ? row : null);
  }
  const expression = compileExpression(step.where);
  return (row) => {
    const result = expression(row);
    if (result === true) return row;
    if (result === false || result === null) return null;
    throw new RowValueError(`the condition gave ${describeValue(result)}, not true or false`);
  };
}

export function deriveStep(step: DeriveStep): RowStep {
  const expression = compileExpression(step.expr);
  const write = fieldWriter(step.field);
  return (row) => write(row, expression(row));
}

const BOOLEAN_TEXT: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  '1': true,
  '0': false,
};

const CASTS: Record<CastStep['to'], (value: unknown) => unknown> = {
  number: (value) => asNumber(value) ?? undefined,
  string: (value) => asText(value),
  boolean: (value) => {
    if (typeof value === 'boolean') return value;
    if (value === 0 || value === 1) return value === 1;
    const key = typeof value === 'string' ? value.trim().toLowerCase() : '';
    return Object.hasOwn(BOOLEAN_TEXT, key) ? BOOLEAN_TEXT[key] : undefined;
  },
  timestamp: (value) => {
    const ms = toEpochMs(value);
    return ms === null ? undefined : formatTimestamp(ms);
  },
};

export function castStep(step: CastStep): RowStep {
  const read = fieldReader(step.field);
  const write = fieldWriter(step.field);
  const cast = CASTS[step.to];
  const onError = step.onError ?? 'drop';
  return (row) => {
    const value = read(row);
    if (value === null) return row;
    const converted = cast(value);
    if (converted !== undefined) return write(row, converted);
    const message = `"${step.field}" is ${describeValue(value)}, which is not a ${step.to}`;
    if (onError === 'null') throw new RecoveredRowError(message, write(row, null));
    throw new RowValueError(message);
  };
}

/** A module's function: its row, rows, or null / undefined to drop; a throw fails the row. */
export function moduleStep(run: RowFunction): RowStep {
  const isRow = (value: unknown): value is Row =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Promise);
  return (row) => {
    let result: unknown;
    try {
      result = run(row);
    } catch (error) {
      throw new RowValueError(
        `the module threw: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (result === null || result === undefined) return null;
    if (isRow(result)) return result;
    if (Array.isArray(result) && result.every(isRow)) return result as Row[];
    const what =
      result instanceof Promise
        ? 'a Promise (transform functions must not be async)'
        : Array.isArray(result)
          ? 'a list holding something other than rows'
          : describeValue(result);
    throw new RowValueError(`the module returned ${what}; return a row, a list of rows or null`);
  };
}
