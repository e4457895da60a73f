// The small part of the Thrift compact protocol that Parquet footers need: walk a struct's
// fields, read scalars and strings, skip anything else, and write a field back in long form.
// Spec: https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md

export const enum CompactType {
  Stop = 0,
  BoolTrue = 1,
  BoolFalse = 2,
  I8 = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
}

export class ThriftFormatError extends Error {}

export interface FieldHeader {
  id: number;
  type: CompactType;
}

export class CompactReader {
  position = 0;
  constructor(private readonly bytes: Uint8Array) {}

  private byte(): number {
    if (this.position >= this.bytes.length)
      throw new ThriftFormatError('footer ends in the middle of a value');
    return this.bytes[this.position++];
  }

  /** unsigned LEB128; exact up to 2^53 */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new ThriftFormatError('varint longer than 10 bytes');
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  binary(): Uint8Array {
    const length = this.varint();
    if (this.position + length > this.bytes.length)
      throw new ThriftFormatError('string runs past the footer');
    const value = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return value;
  }

  string(): string {
    return Buffer.from(this.binary()).toString('utf8');
  }

  /** the next field of a struct, or null at its end; lastId is the previous field's id (0 first) */
  fieldHeader(lastId: number): FieldHeader | null {
    const b = this.byte();
    const type = (b & 0x0f) as CompactType;
    if (type === CompactType.Stop) return null;
    const delta = b >> 4;
    return { type, id: delta === 0 ? this.zigzag() : lastId + delta };
  }

  listHeader(): { elementType: CompactType; size: number } {
    const b = this.byte();
    const size = b >> 4 === 15 ? this.varint() : b >> 4;
    return { elementType: (b & 0x0f) as CompactType, size };
  }

  /** calls onField for every field; it returns false for fields it did not consume, which are skipped */
  struct(onField: (field: FieldHeader) => boolean): void {
    let lastId = 0;
    for (let field = this.fieldHeader(lastId); field; field = this.fieldHeader(lastId)) {
      if (!onField(field)) this.skip(field.type);
      lastId = field.id;
    }
  }

  skip(type: CompactType, depth = 0): void {
    if (depth > 64) throw new ThriftFormatError('structure nested deeper than 64 levels');
    switch (type) {
      case CompactType.BoolTrue:
      case CompactType.BoolFalse:
        return;
      case CompactType.I8:
        this.byte();
        return;
      case CompactType.I16:
      case CompactType.I32:
      case CompactType.I64:
        this.varint();
        return;
      case CompactType.Double:
        this.position += 8;
        return;
      case CompactType.Binary:
        this.binary();
        return;
      case CompactType.List:
      case CompactType.Set: {
        const { elementType, size } = this.listHeader();
        for (let i = 0; i < size; i++) this.skipElement(elementType, depth + 1);
        return;
      }
      case CompactType.Map: {
        const size = this.varint();
        if (size === 0) return;
        const kinds = this.byte();
        for (let i = 0; i < size; i++) {
          this.skipElement((kinds >> 4) as CompactType, depth + 1);
          this.skipElement((kinds & 0x0f) as CompactType, depth + 1);
        }
        return;
      }
      case CompactType.Struct:
        this.struct((field) => {
          this.skip(field.type, depth + 1);
          return true;
        });
        return;
      default:
        throw new ThriftFormatError(`unknown field type ${type as number}`);
    }
  }

  /** list, set and map elements: booleans take one byte there */
  private skipElement(type: CompactType, depth: number): void {
    if (type === CompactType.BoolTrue || type === CompactType.BoolFalse) this.byte();
    else this.skip(type, depth);
  }
}

export function encodeVarint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

/** a field header in the long form (absolute id), valid whatever field precedes it */
export function encodeFieldHeader(id: number, type: CompactType): number[] {
  return [type, ...encodeVarint(id >= 0 ? id * 2 : -id * 2 - 1)];
}

export function encodeListHeader(elementType: CompactType, size: number): number[] {
  return size < 15 ? [(size << 4) | elementType] : [0xf0 | elementType, ...encodeVarint(size)];
}
