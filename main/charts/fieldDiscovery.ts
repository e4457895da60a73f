// Learns the output topic's fields from the rows the chart feed sees: each field's name, in the
// order first seen, and a type guess (number, timestamp, boolean or string), so "Add chart" offers
// real fields. Fields seen only as null, objects or arrays are not offered.
import type { OutputField, OutputFieldType } from './chartSpec';
import { isNumericText, isTimeText } from './fieldValues';

const NUMBER = 1;
const TIMESTAMP = 2;
const BOOLEAN = 4;
const TEXT = 8;
const NESTED = 16;

/** Every row of the first ones is looked at, then one in SAMPLE_EVERY: enough to learn the shape. */
const LOOK_AT_FIRST = 1000;
const SAMPLE_EVERY = 50;

function kindOf(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return NUMBER;
    case 'boolean':
      return BOOLEAN;
    case 'string':
      if (isNumericText(value)) return NUMBER;
      return isTimeText(value) ? TIMESTAMP : TEXT;
    default:
      return value === null || value === undefined ? 0 : NESTED;
  }
}

function typeOf(kinds: number): OutputFieldType | null {
  if (kinds === 0 || kinds & NESTED) return null;
  if (kinds === NUMBER || kinds === (NUMBER | BOOLEAN)) return 'number';
  if (kinds === TIMESTAMP) return 'timestamp';
  if (kinds === BOOLEAN) return 'boolean';
  return 'string';
}

export class FieldDiscovery {
  private readonly kinds = new Map<string, number>();
  private rows = 0;
  private current: OutputField[] = [];

  /** Looks at one row (or skips it once the shape is known); true when the field list changed. */
  observe(row: Record<string, unknown>): boolean {
    this.rows += 1;
    if (this.rows > LOOK_AT_FIRST && this.rows % SAMPLE_EVERY !== 0) return false;
    let grew = false;
    for (const name of Object.keys(row)) {
      const before = this.kinds.get(name) ?? 0;
      const after = before | kindOf(row[name]);
      if (after !== before || !this.kinds.has(name)) {
        this.kinds.set(name, after);
        grew = true;
      }
    }
    if (!grew) return false;
    const fields = this.compute();
    const changed =
      fields.length !== this.current.length ||
      fields.some(
        (field, i) => field.name !== this.current[i]!.name || field.type !== this.current[i]!.type,
      );
    this.current = fields;
    return changed;
  }

  fields(): OutputField[] {
    return this.current;
  }

  private compute(): OutputField[] {
    const fields: OutputField[] = [];
    for (const [name, kinds] of this.kinds) {
      const type = typeOf(kinds);
      if (type) fields.push({ name, type });
    }
    return fields;
  }
}
