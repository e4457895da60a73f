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

/** A writer for one field name: returns a copy of the row with the field set. */
export function fieldWriter(name: string): (row: Row, value: unknown) => Row {
  const parts = name.split('.');
  if (parts.length === 1) return (row, value) => ({ ...row, [name]: value });
  const write = (object: Row, depth: number, value: unknown): Row => {
    const part = parts[depth]!;
    if (depth === parts.length - 1) return { ...object, [part]: value };
    const inner = own(object, part) && isObject(object[part]) ? object[part] : {};
    return { ...object, [part]: write(inner, depth + 1, value) };
  };
  return (row, value) => (own(row, name) ? { ...row, [name]: value } : write(row, 0, value));
}

/** The top-level field a name refers to: itself when known, else its first path segment. */
export function fieldRoot(name: string, known: ReadonlySet<string>): string {
  return known.has(name) ? name : name.split('.')[0]!;
}
