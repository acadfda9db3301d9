import { hash } from 'node:crypto';
import { canonicalText } from './canonical.js';

export { canonicalBytes, canonicalText, Domain, signingBytes } from './canonical.js';

// One-shot crypto.hash: no Hash object per call, which matters for the many small inputs of the
// state tree (a block hashes thousands of 65-byte nodes). The digest comes as a latin1 string copied
// into a fresh 32-byte array: V8 keeps typed arrays this small on its heap, whereas a Buffer digest
// gets its own off-heap ArrayBuffer, which costs more to allocate and collect than the hash itself.
// Strings are hashed as UTF-8.
export function sha256(data: Uint8Array | string): Uint8Array {
  const digest = hash('sha256', data, 'binary'); // latin1
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = digest.charCodeAt(i);
  return out;
}

export function sha256Hex(data: Uint8Array | string): string {
  return hash('sha256', data, 'hex');
}

/**
 * SHA-256 of the canonical encoding, as lower-case hex: the id of any hashed object. The hash
 * takes the canonical text and encodes it as UTF-8 itself (the same bytes as canonicalBytes),
 * which spares a copy of every hashed document on the hot paths.
 */
export function hashOf(value: unknown): string {
  return sha256Hex(canonicalText(value));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new TypeError('not lower-case hex');
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
