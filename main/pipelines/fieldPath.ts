// Reading and writing a row's fields by name. A name with dots ("a.b") is a path into nested
// objects, unless the row has a field with exactly that name, which wins. A missing field reads
// as null. Writes never touch the input row: the row (and each object on the path) is copied.
import type { Row } from './pipeline';

const own = (value: object, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(value, key);

function isObject(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A reader for one field name, split once. */
export function fieldReader(name: string): (row: unknown) => unknown {
  const parts = name.split('.');
  if (parts.length === 1) {
    // rows are plain objects: only names Object.prototype has ("constructor") need the own check
    if (!(name in Object.prototype)) return (row) => (isObject(row) ? (row[name] ?? null) : null);
    return (row) => (isObject(row) && own(row, name) ? (row[name] ?? null) : null);
  }
  return (row) => {
    if (!isObject(row)) return null;
    if (own(row, name)) return row[name] ?? null;
    let value: unknown = row;
    for (const part of parts) {
      if (!isObject(value) || !own(value, part)) return null;
      value = value[part];
    }
    return value ?? null;
  };
}

/**
 * A shallow copy of a row. Object.assign is many times faster than spread here; a row holding a
 * "__proto__" field (JSON.parse makes it an own field) is spread so the field is not lost.
 */
export function copyRow(row: Row): Row {
  return Object.hasOwn(row, '__proto__') ? { ...row } : Object.assign({}, row);
}

/** Sets a field on a row this step owns; "__proto__" is defined as a field, not set as the prototype. */
export function setField(row: Row, name: string, value: unknown): void {
  if (name === '__proto__')
    Object.defineProperty(row, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else row[name] = value;
}

/** A writer for one field name: returns a copy of the row with the field set. */
export function fieldWriter(name: string): (row: Row, value: unknown) => Row {
  const parts = name.split('.');
  const setTop = (row: Row, value: unknown): Row => {
    const out = copyRow(row);
    setField(out, name, value);
    return out;
  };
  if (parts.length === 1) return setTop;
  const write = (object: Row, depth: number, value: unknown): Row => {
    const part = parts[depth]!;
    const out = copyRow(object);
    if (depth === parts.length - 1) setField(out, part, value);
    else
      setField(
        out,
        part,
        write(own(object, part) && isObject(object[part]) ? object[part] : {}, depth + 1, value),
      );
    return out;
  };
  return (row, value) => (own(row, name) ? setTop(row, value) : write(row, 0, value));
}

/** The top-level field a name refers to: itself when known, else its first path segment. */
export function fieldRoot(name: string, known: ReadonlySet<string>): string {
  return known.has(name) ? name : name.split('.')[0]!;
}
