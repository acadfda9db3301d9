import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// The package is CommonJS (module.exports = fn) but its typings declare an ES default export,
// which NodeNext resolution types as the module object.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/**
 * The one canonical encoding for everything hashed or signed: RFC 8785 JSON Canonicalization
 * Scheme (JCS) as UTF-8 bytes. Independent verifiers in any language have JCS libraries.
 */
export function canonicalBytes(value: unknown): Uint8Array {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return new TextEncoder().encode(text);
}

export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the canonical encoding, as lower-case hex: the id of any hashed object. */
export function hashOf(value: unknown): string {
  return sha256Hex(canonicalBytes(value));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new TypeError('not lower-case hex');
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Signing domains keep a signature for one purpose from being replayed as another. */
export enum Domain {
  Transaction = 'waybill/tx/v1',
  Proposal = 'waybill/proposal/v1',
  Vote = 'waybill/vote/v1',
}

/** Bytes that get signed: domain tag, a newline, then the canonical encoding of the payload. */
export function signingBytes(domain: Domain, payload: unknown): Uint8Array {
  const body = canonicalBytes(payload);
  const tag = new TextEncoder().encode(`${domain}\n`);
  const out = new Uint8Array(tag.length + body.length);
  out.set(tag, 0);
  out.set(body, tag.length);
  return out;
}
