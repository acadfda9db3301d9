import { describe, expect, it } from 'vitest';
import {
  encodeFrame,
  FrameDecoder,
  InvalidFrameError,
  OversizedFrameError,
} from '../../services/p2p/index.js';

describe('framing', () => {
  it('round-trips frames split at every byte boundary', () => {
    const payloads = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(300).fill(7)];
    const wire = Buffer.concat(payloads.map((p) => encodeFrame(p)));
    for (let split = 0; split <= wire.length; split++) {
      const decoder = new FrameDecoder(1024);
      const out = [...decoder.push(wire.subarray(0, split)), ...decoder.push(wire.subarray(split))];
      expect(out.map((f) => Buffer.from(f).toString('hex'))).toEqual(
        payloads.map((p) => Buffer.from(p).toString('hex')),
      );
      expect(decoder.pending).toBe(0);
    }
  });

  it('rejects an oversized frame from its header alone', () => {
    const decoder = new FrameDecoder(100);
    const header = encodeFrame(new Uint8Array(101)).subarray(0, 1);
    expect(() => decoder.push(header)).toThrow(OversizedFrameError);
  });

  it('accepts a frame of exactly the limit', () => {
    const decoder = new FrameDecoder(100);
    expect(decoder.push(encodeFrame(new Uint8Array(100)))).toHaveLength(1);
  });

  it('rejects a runaway length header', () => {
    const decoder = new FrameDecoder(Number.MAX_SAFE_INTEGER);
    expect(() => decoder.push(new Uint8Array(9).fill(0xff))).toThrow(InvalidFrameError);
  });
});
