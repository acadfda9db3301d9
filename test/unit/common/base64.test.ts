import { describe, expect, it } from 'vitest';

// vitest's setup file loads services/common/polyfill.ts, as the CLI's entry point does.

type B64 = Uint8Array & { toBase64(o?: { alphabet?: string; omitPadding?: boolean }): string };
const U8 = Uint8Array as unknown as {
  fromBase64(s: string, o?: { alphabet?: string; lastChunkHandling?: string }): Uint8Array;
};

/** The proposal's encoding, written out the slow way from btoa. */
function reference(bytes: Uint8Array, url: boolean, omitPadding: boolean): string {
  let text = btoa(String.fromCharCode(...bytes));
  if (url) text = text.replaceAll('+', '-').replaceAll('/', '_');
  return omitPadding ? text.replace(/=+$/, '') : text;
}

describe('Uint8Array base64 (ES2026, over Buffer where Node lacks it)', () => {
  it('encodes and decodes like btoa and atob, in both alphabets, padded or not', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) & 255);
      for (const alphabet of ['base64', 'base64url'] as const) {
        for (const omitPadding of [false, true]) {
          const text = (bytes as B64).toBase64({ alphabet, omitPadding });
          expect(text).toBe(reference(bytes, alphabet === 'base64url', omitPadding));
          const back = U8.fromBase64(text, { alphabet });
          expect(back).toEqual(bytes);
          expect(back.constructor).toBe(Uint8Array);
          expect(back.buffer.byteLength).toBe(n);
        }
      }
    }
    const view = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4);
    expect((view as B64).toBase64()).toBe('AQID');
  });

  it('refuses what is not base64 of its alphabet, skips whitespace, and keeps to lastChunkHandling', () => {
    for (const bad of ['QQ=', 'Q', 'QQ===', 'QQ=Q', 'A*BC', 'AB-_'])
      expect(() => U8.fromBase64(bad)).toThrow(SyntaxError);
    expect(() => U8.fromBase64('AB+/', { alphabet: 'base64url' })).toThrow(SyntaxError);
    expect(() => U8.fromBase64('AA', { alphabet: 'hex' })).toThrow(TypeError);
    expect(() => U8.fromBase64(5 as never)).toThrow(TypeError);
    expect(U8.fromBase64(' QU\nJD ')).toEqual(new Uint8Array([65, 66, 67]));
    expect(U8.fromBase64('QQ')).toEqual(new Uint8Array([65]));
    expect(() => U8.fromBase64('QQ', { lastChunkHandling: 'strict' })).toThrow(SyntaxError);
    expect(() => U8.fromBase64('QR==', { lastChunkHandling: 'strict' })).toThrow(SyntaxError);
    expect(U8.fromBase64('QR==')).toEqual(new Uint8Array([65]));
    expect(U8.fromBase64('QUJDQQ', { lastChunkHandling: 'stop-before-partial' })).toEqual(
      new Uint8Array([65, 66, 67]),
    );
  });
});
