import canonicalizeModule from 'canonicalize';

// Free of Node APIs: the offline proof verifier (services/verify) runs in browsers and shares
// these definitions with the node, so both sign and check the very same bytes.

// The package is CommonJS (module.exports = fn) but its typings declare an ES default export,
// which NodeNext resolution types as the module object.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;
const utf8 = new TextEncoder();

/**
 * The one canonical encoding for everything hashed or signed: RFC 8785 JSON Canonicalization
 * Scheme (JCS) as UTF-8 bytes. Independent verifiers in any language have JCS libraries.
 */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalText(value));
}

/** The canonical encoding as a string, for a hash that takes text (hashOf) without a byte copy. */
export function canonicalText(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return text;
}

/** Signing domains keep a signature for one purpose from being replayed as another. */
export enum Domain {
  Transaction = 'waybill/tx/v1',
  Proposal = 'waybill/proposal/v1',
  Vote = 'waybill/vote/v1',
  /** A member file (member.json): the node key vouches for the description it hands to the consortium. */
  Member = 'waybill/member/v1',
}

/** Bytes that get signed: domain tag, a newline, then the canonical encoding of the payload. */
export function signingBytes(domain: Domain, payload: unknown): Uint8Array {
  return utf8.encode(`${domain}\n${canonicalText(payload)}`);
}
