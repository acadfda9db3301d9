import { hash } from 'node:crypto';
import { canonicalText } from './canonical.js';

export { canonicalBytes, canonicalText, Domain, signingBytes } from './canonical.js';

// One-shot crypto.hash: no Hash object per call, which matters for the many small inputs of the
// state tree (a block hashes thousands of 65-byte nodes). Strings are hashed as UTF-8.
export function sha256(data: Uint8Array | string): Uint8Array {
  const digest = hash('sha256', data, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

export function sha256Hex(data: Uint8Array | string): string {
  return hash('sha256', data, 'hex');
}

/** SHA-256 of the canonical encoding, as lower-case hex: the id of any hashed object. */
export function hashOf(value: unknown): string {
  return sha256Hex(canonicalText(value)); // a string is hashed as its UTF-8 bytes
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new TypeError('not lower-case hex');
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
