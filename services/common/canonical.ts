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
  const copy = sortedCopy(value);
  const text = copy === UNSORTABLE ? canonicalize(value) : JSON.stringify(copy);
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return text;
}

/**
 * JCS is JSON.stringify of the value with each object's keys in UTF-16 code-unit order (RFC 8785
 * §3.2.3); strings and numbers are JSON.stringify's (§3.2.2, as the `canonicalize` package does
 * too). So a copy whose objects are built in sorted key order, stringified once by V8's native
 * serializer, gives the same text in half the time of the package's recursive concatenation
 * (a 50-event capture body: 146 → 74 µs; every node hashes every transaction, block and vote).
 * Property order can say "sorted" only for keys that are not array indices (V8 lists those first,
 * in numeric order) and not `__proto__` (an assignment sets the prototype). A value holding such
 * a key, or anything the package writes otherwise than JSON.stringify (a function, a hole in an
 * array) or refuses (NaN, ±Infinity), goes to the package whole, so the text is always the
 * package's. test/unit/common/canonical.test.ts compares both over fuzzed values.
 */
const UNSORTABLE: unique symbol = Symbol('unsortable');
const INDEX_LIKE = /^(?:0|[1-9][0-9]*)$/;

function sortedCopy(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : UNSORTABLE;
  if (typeof value === 'function') return UNSORTABLE;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    // Copied only from the first item that changes: an array of sorted items is its own copy.
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return UNSORTABLE;
      const item = sortedCopy(value[i]);
      if (item === UNSORTABLE) return UNSORTABLE;
      if (out === undefined && item !== value[i]) {
        out = new Array(value.length);
        for (let j = 0; j < i; j++) out[j] = value[j];
      }
      if (out !== undefined) out[i] = item;
    }
    if (out !== undefined || Object.getPrototypeOf(value) === Array.prototype) return out ?? value;
    return Array.from({ length: value.length }, (_, i) => value[i]);
  }
  // The package canonicalizes what toJSON returns.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (toJSON instanceof Function) return sortedCopy(toJSON.call(value));
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Copy-on-write: an object whose keys are already in order and whose members are their own
  // copies is written as it is (lists of identifiers, small objects of one or two keys, anything
  // parsed from canonical text), so only what is out of order is copied.
  let same = isPlain(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57 && INDEX_LIKE.test(key)) || key === '__proto__') return UNSORTABLE;
    if (same && i > 0 && !((keys[i - 1] as string) < key)) same = false;
  }
  if (same) {
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const member = record[key];
      const item = sortedCopy(member);
      if (item === UNSORTABLE) return UNSORTABLE;
      if (out === undefined && item !== member) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j] as string] = record[keys[j] as string];
      }
      if (out !== undefined) out[key] = item;
    }
    return out ?? record;
  }
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const item = sortedCopy(record[key]);
    if (item === UNSORTABLE) return UNSORTABLE;
    out[key] = item;
  }
  return out;
}

/** Own data only, as JSON.stringify writes it for a copy: a plain object, not a boxed value or a class's. */
function isPlain(record: object): boolean {
  const proto = Object.getPrototypeOf(record);
  return proto === Object.prototype || proto === null;
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
