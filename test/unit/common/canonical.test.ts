import canonicalizeModule from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalText } from '../../../services/common/index.js';

// canonicalText writes JCS through JSON.stringify of a key-sorted copy and hands to the
// `canonicalize` package whatever a copy cannot express; its text must be the package's, byte for
// byte, or every hash and signature changes.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/** The package's answer, or the error it throws, as a comparable value. */
function reference(value: unknown): { text?: string; error?: boolean } {
  try {
    const text = canonicalize(value);
    return text === undefined ? { error: true } : { text };
  } catch {
    return { error: true };
  }
}

function ours(value: unknown): { text?: string; error?: boolean } {
  try {
    return { text: canonicalText(value) };
  } catch {
    return { error: true };
  }
}

// Keys that sort differently as V8 lists them: array indices, near-indices, unicode past the BMP,
// upper and lower case, the empty key and __proto__ (an own key when JSON.parse makes it).
const awkwardKey = fc.constantFrom(
  '0',
  '1',
  '10',
  '9',
  '01',
  '-1',
  '1.5',
  '4294967294',
  '4294967295',
  '99999999999999999999',
  '',
  'a',
  'B',
  'b',
  'é',
  '\u{1F600}',
  '\uFFFF',
  'toJSON',
  '__proto__',
  'constructor',
);
const key = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), awkwardKey);
const scalar = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, Infinity),
  fc.boolean(),
  fc.constant(null),
);
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('json'), { maxLength: 6 }),
    fc.dictionary(key, tie('json'), { maxKeys: 6 }),
  ),
}));

describe('canonicalText: RFC 8785 JCS, the canonicalize package byte for byte', () => {
  it('agrees with the package over fuzzed JSON values, parsed back from text too', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(ours(value)).toEqual(reference(value));
        // JSON.parse makes __proto__ an own key, as a request body would carry it.
        const text = JSON.stringify(value);
        if (text !== undefined) {
          const parsed: unknown = JSON.parse(text);
          expect(ours(parsed)).toEqual(reference(parsed));
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('sorts by UTF-16 code units with array-index keys among the rest, and keeps __proto__ a key', () => {
    const value = JSON.parse('{"b":1,"10":2,"9":3,"a":{"__proto__":{"z":1},"2":0},"\u{1F600}":4,"\uFFFF":5}');
    const text = canonicalText(value);
    expect(text).toBe('{"10":2,"9":3,"a":{"2":0,"__proto__":{"z":1}},"b":1,"\u{1F600}":4,"\uFFFF":5}');
    expect(text).toBe(canonicalize(value));
  });

  it('canonicalizes what toJSON returns, refuses NaN and Infinity, and writes holes as the package does', () => {
    const dated = { when: new Date(0), at: { toJSON: () => ({ z: 1, a: [2, undefined] }) } };
    expect(canonicalText(dated)).toBe('{"at":{"a":[2,null],"z":1},"when":"1970-01-01T00:00:00.000Z"}');
    expect(() => canonicalText({ a: Number.NaN })).toThrow();
    expect(() => canonicalText([Infinity])).toThrow();
    expect(() => canonicalText(undefined)).toThrow();
    // biome-ignore lint/suspicious/noSparseArray: the case under test
    const holey = [1, , 3];
    expect(canonicalText(holey)).toBe(canonicalize(holey));
    const withFunction = { f: () => 1, a: 1 };
    expect(canonicalText(withFunction)).toBe(canonicalize(withFunction));
  });

  it('writes parts already in order as they are and the rest sorted, boxed and class values as the package', () => {
    const inner = { a: 1, b: [1, { c: 2 }] };
    const value = { z: inner, a: { y: 1, x: 2 }, l: ['b', 'a'] };
    expect(canonicalText(value)).toBe('{"a":{"x":2,"y":1},"l":["b","a"],"z":{"a":1,"b":[1,{"c":2}]}}');
    expect(canonicalText(value)).toBe(canonicalize(value));
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    for (const value of [{ p: new Point(1, 2) }, { n: Object(5) }, { s: Object('ab') }]) {
      expect(ours(value)).toEqual(reference(value));
    }
  });
});
