import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameJsonText } from '../../../services/common/index.js';

// sameJsonText decides most comparisons by walking the values; whatever it answers must be what
// comparing the two JSON.stringify texts answers, for plain data and for everything else too.
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
const odd = fc.constantFrom<unknown>(
  undefined,
  Number.NaN,
  Infinity,
  -0,
  0,
  null,
  new Date(0),
  Object(5),
  Object('5'),
  new Point(1, 2),
  { toJSON: () => 5 },
  () => 1,
);
const scalar = fc.oneof(
  fc.string({ maxLength: 3 }),
  fc.integer({ min: -2, max: 2 }),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.constantFrom('a', 'b', 'c', '0', '1');
const value = (withOdd: boolean) =>
  fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      withOdd ? fc.oneof(scalar, odd) : scalar,
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(key, tie('v'), { maxKeys: 3 }),
    ),
  })).v;

const byText = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

describe('sameJsonText: JSON.stringify(a) === JSON.stringify(b) without writing them', () => {
  it('agrees with the texts over fuzzed plain data, pairs made alike and apart', () => {
    fc.assert(
      fc.property(value(false), value(false), (a, b) => {
        expect(sameJsonText(a, b)).toBe(byText(a, b));
        const copy: unknown = JSON.parse(JSON.stringify(a));
        expect(sameJsonText(a, copy)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with the texts when undefined members, NaN, -0, dates, boxed values or toJSON are inside', () => {
    fc.assert(
      fc.property(value(true), value(true), (a, b) => {
        expect(sameJsonText(a, b)).toBe(byText(a, b));
      }),
      { numRuns: 5_000 },
    );
    const cases: [unknown, unknown][] = [
      [{ a: 1, b: undefined }, { a: 1 }],
      [[undefined], [null]],
      [[Number.NaN], [null]],
      [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ],
      [0, -0],
      [{ d: new Date(0) }, { d: '1970-01-01T00:00:00.000Z' }],
      [{ n: Object(5) }, { n: 5 }],
      [
        [1, { a: undefined }],
        [1, {}],
      ],
      ['1', 1],
    ];
    for (const [a, b] of cases) expect(sameJsonText(a, b)).toBe(byText(a, b));
  });
});
