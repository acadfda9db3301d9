import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { canonicalBytes } from '../common/canonical.js';

// The verifier's primitives: audited pure-JS libraries only, so the module runs in browsers and any
// JS runtime. The node computes the same functions with node:crypto for speed (common/encoding.ts,
// crypto/ed25519.ts); test/unit/verify/proofs.test.ts shows the two agree.

export type Hash = (data: Uint8Array) => Uint8Array;

export const sha256: Hash = (data) => nobleSha256(data);

/** SHA-256 of the JCS (RFC 8785) encoding, lower-case hex. */
export function jcsHash(value: unknown): string {
  return bytesToHex(sha256(canonicalBytes(value)));
}

const HEX = /^(?:[0-9a-f]{2})*$/;

/** Lower-case hex of `bytes` bytes (any even length when omitted). */
export function isHex(value: unknown, bytes?: number): value is string {
  return typeof value === 'string' && HEX.test(value) && (bytes === undefined || value.length === 2 * bytes);
}

export function fromHex(hex: string): Uint8Array {
  if (!isHex(hex)) throw new TypeError('not lower-case hex');
  return hexToBytes(hex);
}

export const toHex = (bytes: Uint8Array): string => bytesToHex(bytes);

/**
 * Ed25519 (RFC 8032) with canonical encodings only (zip215: false), as node:crypto checks it, so
 * the browser and the node accept exactly the same signatures.
 */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
