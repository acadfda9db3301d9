import { Uint8ArrayList } from 'uint8arraylist';

/** Frames are an unsigned LEB128 varint length followed by that many payload bytes. */
const MAX_HEADER_BYTES = 8;

export class OversizedFrameError extends Error {
  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super(`frame of ${length} bytes exceeds the limit of ${limit} bytes`);
    this.name = 'OversizedFrameError';
  }
}

export class InvalidFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFrameError';
  }
}

function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

/** One frame (header and payload) in a single fresh buffer, so it can be shared and queued safely. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const header = varintLength(payload.byteLength);
  const out = new Uint8Array(header + payload.byteLength);
  let v = payload.byteLength;
  let i = 0;
  while (v >= 0x80) {
    out[i++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[i] = v;
  out.set(payload, header);
  return out;
}

/**
 * Incremental, synchronous frame decoder. A length above `maxBytes` throws as soon as the header
 * is read, before any of the payload is buffered, so a peer cannot make us hold more than one
 * frame of at most `maxBytes`.
 */
export class FrameDecoder {
  private readonly buffer = new Uint8ArrayList();
  private expected = -1;

  constructor(private readonly maxBytes: number) {}

  /** Bytes held for a frame not yet complete. */
  get pending(): number {
    return this.buffer.byteLength;
  }

  push(chunk: Uint8Array | Uint8ArrayList): Uint8Array[] {
    this.buffer.append(chunk);
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.expected < 0) {
        const header = this.readHeader();
        if (header === undefined) break;
        if (header.length > this.maxBytes) throw new OversizedFrameError(header.length, this.maxBytes);
        this.buffer.consume(header.bytes);
        this.expected = header.length;
      }
      if (this.buffer.byteLength < this.expected) break;
      // A copy: handlers may keep payloads, which must not alias buffers the transport reuses.
      frames.push(this.buffer.slice(0, this.expected));
      this.buffer.consume(this.expected);
      this.expected = -1;
    }
    return frames;
  }

  private readHeader(): { length: number; bytes: number } | undefined {
    let length = 0;
    let scale = 1;
    const available = Math.min(this.buffer.byteLength, MAX_HEADER_BYTES);
    for (let i = 0; i < available; i++) {
      const byte = this.buffer.get(i);
      length += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (i > 0 && byte === 0) throw new InvalidFrameError('non-minimal frame length');
        return { length, bytes: i + 1 };
      }
      scale *= 0x80;
    }
    if (this.buffer.byteLength >= MAX_HEADER_BYTES)
      throw new InvalidFrameError('frame length header too long');
    return undefined;
  }
}
