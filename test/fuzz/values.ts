import fc from 'fast-check';
import { deref, type JsonSchema } from './spec.js';

/**
 * Value generators: valid values derived from a JSON schema of api/openapi.yaml, and the hostile
 * values a client can send in their place.
 */

/** Text put into a JSON body as is: what JSON.stringify cannot write (1e309, duplicate keys, deep nesting). */
export class Raw {
  constructor(readonly text: string) {}
}

/** A JSON value with Raw leaves. Objects are null-prototype, so `__proto__` is an own key like any other. */
export type JsonValue = null | boolean | number | string | Raw | JsonValue[] | { [key: string]: JsonValue };

/** Serialises a JsonValue, writing Raw leaves verbatim. */
export function toJsonText(v: JsonValue): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A null-prototype copy of parsed JSON, so mutations can add `__proto__` as a plain key. */
export function plain(v: unknown): JsonValue {
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    const out: { [key: string]: JsonValue } = Object.create(null);
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v as JsonValue;
}

export function object(entries: Array<[string, JsonValue]>): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = Object.create(null);
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** Numbers written as text: what a query string or a JSON body can carry that a double cannot. */
export const NUMBER_TEXTS = [
  '0',
  '-0',
  '-1',
  '1.5',
  '1e3',
  '1e309',
  '-1e309',
  '1e-400',
  'NaN',
  'Infinity',
  '-Infinity',
  '9007199254740993',
  '18446744073709551616',
  '0x10',
  '0b1',
  '1_000',
  ' 5',
  '+5',
  '5 ',
  '٣',
  '1,000',
  '',
];

/** Strings chosen to break parsers, SQL, routing, Unicode handling and prototype lookups. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\r\n',
  '\t',
  '%00',
  '%',
  '%zz',
  '%2e%2e%2f',
  '../../etc/passwd',
  '..',
  '.',
  '/',
  '//',
  '?',
  '#',
  '&',
  '=',
  ';',
  '|',
  '||',
  'a|',
  '|a',
  '*',
  '%_',
  "'",
  '"',
  '\\',
  "' OR '1'='1",
  "'; DROP TABLE events; --",
  '<script>alert(1)</script>',
  `\${7*7}`, // template injection, literally
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '\uD800',
  '\uDFFF',
  '\uFEFF',
  '\u202Ea',
  '\u200B',
  'ß',
  'İ',
  '😀',
  'e\u0301',
  'ﬁ',
  'urn:',
  'urn:epc:id:',
  'urn:epc:id:sgtin:',
  'urn:epc:id:sgtin:0614141.107346.',
  'urn:epc:idpat:sgtin:*.*.*',
  'urn:epc:id:nonsense:1',
  'https://id.gs1.org/',
  'https://id.gs1.org/01/',
  'https://id.gs1.org/01/09521141123450/21/%00',
  'https://id.gs1.org/constructor/1',
  'https://id.gs1.org/01/09521141123450/toString/1',
  'https://id.gs1.org/__proto__/1',
  'http://localhost/',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'a'.repeat(300),
  'a'.repeat(5000),
  '9'.repeat(400),
  ...NUMBER_TEXTS,
];

/** Any string: the hostile list, arbitrary Unicode (lone surrogates and control characters included), or both. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.constantFrom(...HOSTILE_STRINGS))
      .map(([a, b]) => a + b),
  },
);

/** What node:http lets a client put in a header value (Latin-1 without CR, LF and NUL). */
export const hostileHeaderValue: fc.Arbitrary<string> = fc.oneof(
  hostileString.map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '')),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
);

/** Hostile JSON values for a field of any type. */
export const hostileJson: fc.Arbitrary<JsonValue> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  {
    weight: 2,
    arbitrary: fc.constantFrom<JsonValue>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      -0,
      2 ** 53 + 2,
      1e308,
      -1e308,
      Number.MIN_VALUE,
      [],
      {},
      [null],
      [[]],
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...['1e309', '-1e309', '1e-400', '123456789012345678901234567890', '-0.0e0'].map((t) => new Raw(t)),
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 20_000 }).map(deepNesting) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) =>
      object([
        [
          k,
          object([
            ['polluted', true],
            ['isAdmin', true],
          ]),
        ],
      ]),
    ),
  },
  { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 4 }), { minLength: 0, maxLength: 3000 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(plain) },
);

/** Arrays or objects nested `depth` deep, written as text (no recursion to serialise it). */
export function deepNesting(depth: number): Raw {
  return depth % 2 === 0
    ? new Raw('['.repeat(depth) + ']'.repeat(depth))
    : new Raw(`${'{"a":'.repeat(depth)}null${'}'.repeat(depth)}`);
}

const dateTime = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** A date-time as clients write them: valid, odd zones and precisions, and invalid ones. */
export const dateTimeText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: dateTime },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '2026-11-24T10:00:00+14:00',
      '2026-11-24T10:00:00+14:01',
      '2026-11-24T10:00:00-12:00',
      '2026-11-24T10:00:00.123456789Z',
      '2026-11-24T10:00:00',
      '2026-11-24',
      '2026-02-30T10:00:00Z',
      '2026-11-24T24:00:00Z',
      '2026-11-24T23:59:60Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '+275760-09-13T00:00:00Z',
      '-000001-01-01T00:00:00Z',
      '1e309',
      'now',
    ),
  },
);

/** A valid value of `schema` (the subset of JSON schema api/openapi.yaml uses), `depth` bounding recursion. */
export function fromSchema(schemaIn: JsonSchema, depth = 4): fc.Arbitrary<JsonValue> {
  const schema = deref<JsonSchema>(schemaIn);
  if ('const' in schema) return fc.constant(schema.const as JsonValue);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as JsonValue[]));
  const alternatives = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((s) => fromSchema(s, depth)));
  switch (schema.type) {
    case 'string':
      if (schema.format === 'date-time') return dateTime;
      if (schema.format === 'uri') return fc.webUrl();
      if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern));
      return fc.string({
        minLength: (schema.minLength as number | undefined) ?? 0,
        maxLength: Math.min((schema.maxLength as number | undefined) ?? 40, 40),
      });
    case 'integer':
      return fc.integer({
        min: (schema.minimum as number | undefined) ?? -1_000_000,
        max: (schema.maximum as number | undefined) ?? 1_000_000,
      });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      if (depth <= 0) return fc.constant([]);
      const min = (schema.minItems as number | undefined) ?? 0;
      return fc.array(fromSchema((schema.items as JsonSchema | undefined) ?? {}, depth - 1), {
        minLength: min,
        maxLength: Math.max(min, Math.min((schema.maxItems as number | undefined) ?? 3, 3)),
      });
    }
    case 'object': {
      const props = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
      const required = (schema.required as string[] | undefined) ?? [];
      if (depth <= 0) return fc.constant(object([]));
      const record = fc.record(
        Object.fromEntries(Object.entries(props).map(([k, s]) => [k, fromSchema(s, depth - 1)])),
        { requiredKeys: required.filter((k) => k in props) },
      );
      const extra = schema.additionalProperties;
      const extras =
        extra && typeof extra === 'object'
          ? fc.dictionary(
              fc.string({ minLength: 1, maxLength: 12 }),
              fromSchema(extra as JsonSchema, depth - 1),
              {
                maxKeys: 3,
              },
            )
          : fc.constant({});
      return fc.tuple(record, extras).map(([r, e]) => plain({ ...e, ...r }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 }).map(plain);
  }
}

/**
 * The same value with one field somewhere replaced by a hostile value, removed, or given a
 * prototype key beside it: `pick` chooses among the value's containers, deterministically.
 */
export function mutateJson(value: JsonValue): fc.Arbitrary<JsonValue> {
  const containers: Array<JsonValue[] | { [key: string]: JsonValue }> = [];
  const walk = (v: JsonValue) => {
    if (v instanceof Raw || v === null || typeof v !== 'object') return;
    containers.push(v);
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x);
  };
  walk(value);
  if (containers.length === 0) return hostileJson;
  return fc
    .tuple(
      fc.nat(containers.length - 1),
      fc.nat(),
      fc.constantFrom('replace', 'remove', 'add', 'rename'),
      hostileJson,
      fc.oneof(
        fc.constantFrom('__proto__', 'constructor', 'prototype', '', '@context', 'type'),
        hostileString,
      ),
    )
    .map(([which, slot, how, replacement, key]) => {
      const copy = clone(value);
      const targets: Array<JsonValue[] | { [key: string]: JsonValue }> = [];
      const again = (v: JsonValue) => {
        if (v instanceof Raw || v === null || typeof v !== 'object') return;
        targets.push(v);
        for (const x of Array.isArray(v) ? v : Object.values(v)) again(x);
      };
      again(copy);
      const target = targets[which];
      if (!target) return copy;
      if (Array.isArray(target)) {
        const i = target.length ? slot % target.length : 0;
        if (how === 'remove') target.splice(i, 1);
        else if (how === 'add') target.push(replacement);
        else target[i] = replacement;
      } else {
        const keys = Object.keys(target);
        const k = keys.length ? (keys[slot % keys.length] as string) : key;
        if (how === 'remove') delete target[k];
        else if (how === 'add') target[key] = replacement;
        else if (how === 'rename') {
          const v = target[k] ?? null;
          delete target[k];
          target[key] = v;
        } else target[k] = replacement;
      }
      return copy;
    });
}

function clone(v: JsonValue): JsonValue {
  if (v instanceof Raw || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(clone);
  return object(Object.entries(v).map(([k, x]) => [k, clone(x)]));
}
