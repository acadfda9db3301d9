import { createHash } from 'node:crypto';
import { canonicalText } from './canonical.js';

export { canonicalBytes, canonicalText, Domain, signingBytes } from './canonical.js';

export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
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
