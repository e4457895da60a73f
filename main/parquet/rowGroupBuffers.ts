// The decoder thread's buffers for decoded row groups: each row group's Arrow IPC streams are
// packed into one ArrayBuffer, transferred to the main thread and handed back once its table is
// done with, then filled again. Reading a file thus cycles through two or three buffers instead
// of leaving a fresh one per batch for the main thread's garbage collector, which let several
// row groups' worth pile up and left the C heap fragmented: the peak fell by ~50 MiB.

/** spares kept for the next row groups: the one being decoded and the one the main thread reads */
const SPARES_KEPT = 2;
/** streams start at multiples of Arrow's alignment, so the main thread views columns in place */
const ALIGNMENT = 64;
/** headroom when a buffer must grow, so a row group slightly larger than estimated still fits */
const GROWTH_SLACK = 1.0625;

export class RowGroupBuffers {
  /** largest first */
  private readonly spares: ArrayBuffer[] = [];

  recycle(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0) return; // detached or never filled
    this.spares.push(buffer);
    this.spares.sort((a, b) => b.byteLength - a.byteLength);
    this.spares.length = Math.min(this.spares.length, SPARES_KEPT);
  }

  /** a writer for one row group expected to arrive as `expectedStreams` IPC streams */
  writer(expectedStreams: number): PackedRowGroup {
    return new PackedRowGroup(this.spares.shift() ?? null, expectedStreams, this);
  }
}

export class PackedRowGroup {
  private readonly spans: { offset: number; length: number }[] = [];
  private used = 0;

  constructor(
    private buffer: ArrayBuffer | null,
    private readonly expectedStreams: number,
    private readonly owner: RowGroupBuffers,
  ) {}

  add(stream: Uint8Array): void {
    const offset = Math.ceil(this.used / ALIGNMENT) * ALIGNMENT;
    const end = offset + stream.byteLength;
    if (this.buffer === null || end > this.buffer.byteLength) this.grow(end);
    new Uint8Array(this.buffer as ArrayBuffer, offset, stream.byteLength).set(stream);
    this.spans.push({ offset, length: stream.byteLength });
    this.used = end;
  }

  /** the streams as views of one buffer, which the caller transfers; null when there were none */
  finish(): { streams: Uint8Array[]; buffer: ArrayBuffer } | null {
    const buffer = this.buffer;
    if (buffer === null || this.spans.length === 0) {
      if (buffer !== null) this.owner.recycle(buffer);
      return null;
    }
    return {
      streams: this.spans.map(({ offset, length }) => new Uint8Array(buffer, offset, length)),
      buffer,
    };
  }

  /** room for `needed` bytes and, going by the streams so far, the rest of the row group */
  private grow(needed: number): void {
    const streams = this.spans.length + 1;
    const estimate = (needed / streams) * Math.max(streams, this.expectedStreams) * GROWTH_SLACK;
    const grown = new ArrayBuffer(Math.ceil(Math.max(needed, estimate) / ALIGNMENT) * ALIGNMENT);
    if (this.buffer !== null && this.used > 0) {
      new Uint8Array(grown).set(new Uint8Array(this.buffer, 0, this.used));
    }
    this.buffer = grown;
  }
}
