import fc from 'fast-check';
import type { Operation, Parameter } from './spec.js';
import {
  dateTimeText,
  deepNesting,
  fromSchema,
  hostileHeaderValue,
  hostileString,
  type JsonValue,
  mutateJson,
  NUMBER_TEXTS,
  plain,
  toJsonText,
} from './values.js';

/** One request as sent: the path exactly as written, the body as bytes. */
export interface FuzzRequest {
  /** The operation it was derived from (the request may no longer match it: that is the point). */
  operation: string;
  method: string;
  path: string;
  /** The Authorization variant (target.ts turns it into the header). */
  token: TokenVariant;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was done to it, for the report. */
  notes: string[];
}

/** Values the node under test knows (ids of what the harness captured and created), so reads find things. */
export interface Known {
  eventIDs: string[];
  epcs: string[];
  captureIDs: string[];
  queryNames: string[];
  subscriptionIDs: string[];
  locations: string[];
  /** The largest body the node accepts, bytes. */
  bodyLimit: number;
}

/** Names of the Authorization variants the target offers (see target.ts); `valid` ones per role. */
export const TOKEN_VARIANTS = [
  'none',
  'writer',
  'reader',
  'admin',
  'no-roles',
  'roles-not-array',
  'expired',
  'not-yet-valid',
  'wrong-audience',
  'unknown-issuer',
  'outsider-key',
  'alg-none',
  'hs256-public-key',
  'tampered',
  'garbage',
  'three-dots',
  'empty-bearer',
  'basic',
  'lowercase-scheme',
  'no-scheme',
  'two-tokens',
  'huge',
] as const;
export type TokenVariant = (typeof TOKEN_VARIANTS)[number];

const CBV_STEPS = [
  'commissioning',
  'shipping',
  'receiving',
  'packing',
  'unpacking',
  'transforming',
  'destroying',
  'inspecting',
  'urn:epcglobal:cbv:bizstep:shipping',
  'https://ref.gs1.org/cbv/BizStep-receiving',
  'https://example.com/steps/own',
];
const CBV_DISPOSITIONS = [
  'active',
  'in_transit',
  'in_progress',
  'recalled',
  'destroyed',
  'damaged',
  'urn:epcglobal:cbv:disp:active',
  'https://ref.gs1.org/cbv/Disp-in_transit',
];
const EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
];

const hex64 = fc
  .array(fc.constantFrom(...'0123456789abcdef'), { minLength: 64, maxLength: 64 })
  .map((cs) => cs.join(''));
const serial = fc.nat({ max: 10_000_000 });
const sgtin = serial.map((n) => `urn:epc:id:sgtin:0614141.107346.${n}`);
const sscc = serial.map((n) => `urn:epc:id:sscc:0614141.${String(n).padStart(10, '0')}`);
const digitalLink = serial.map((n) => `https://id.gs1.org/01/09521141123450/21/${n}`);
const epcPatterns = fc.constantFrom(
  'urn:epc:idpat:sgtin:0614141.107346.*',
  'urn:epc:idpat:sgtin:0614141.*.*',
  'urn:epc:class:lgtin:0614141.107346.LOT1',
  'https://id.gs1.org/01/09521141123450/10/LOT1',
);

/** Valid-looking values of a parameter, by its name: the ids the node knows, or ids of the right shape. */
function domainValues(name: string, known: Known): fc.Arbitrary<string> | undefined {
  const from = (xs: string[], fallback: fc.Arbitrary<string>) =>
    xs.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...xs) }, fallback) : fallback;
  const epc = from(known.epcs, fc.oneof(sgtin, sscc, digitalLink, epcPatterns));
  const location = from(
    known.locations,
    fc.constantFrom('urn:epc:id:sgln:0614141.00001.0', 'https://id.gs1.org/414/0614141000012'),
  );
  const anyOf = (a: fc.Arbitrary<string>) =>
    fc.oneof(
      { weight: 3, arbitrary: a },
      fc.array(a, { minLength: 2, maxLength: 4 }).map((xs) => xs.join('|')),
    );
  if (name === 'eventID' || name === 'EQ_eventID')
    return anyOf(
      from(
        known.eventIDs,
        fc.uuid().map((u) => `urn:uuid:${u}`),
      ),
    );
  if (name === 'id' || name === 'epc' || name.startsWith('MATCH_')) return anyOf(epc);
  if (name === 'captureID') return from(known.captureIDs, hex64);
  if (name === 'queryName') return from(known.queryNames, fc.stringMatching(/^[A-Za-z0-9._~-]{1,64}$/));
  if (name === 'subscriptionID') return from(known.subscriptionIDs, fc.uuid());
  if (name === 'hash') return hex64;
  if (name === 'height') return fc.integer({ min: 1, max: 50 }).map(String);
  if (name === 'bizStep' || name === 'EQ_bizStep') return anyOf(fc.constantFrom(...CBV_STEPS));
  if (name === 'disposition' || name === 'EQ_disposition') return anyOf(fc.constantFrom(...CBV_DISPOSITIONS));
  if (/readPoint|bizLocation/i.test(name)) return anyOf(location);
  if (name === 'eventType') return anyOf(fc.constantFrom(...EVENT_TYPES));
  if (name === 'EQ_action') return anyOf(fc.constantFrom('ADD', 'OBSERVE', 'DELETE'));
  if (/_(eventTime|recordTime)$/.test(name)) return dateTimeText;
  return undefined;
}

/** A parameter's value: valid (by name or by schema) most of the time, else hostile. */
function paramValue(p: Parameter, known: Known): fc.Arbitrary<string> {
  const valid =
    domainValues(p.name, known) ??
    fromSchema(p.schema).map((v) => (typeof v === 'string' ? v : toJsonText(v)));
  const numeric = p.schema.type === 'integer' || p.schema.type === 'number' || p.schema.type === 'boolean';
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 2, arbitrary: hostileString },
    { weight: numeric ? 3 : 1, arbitrary: fc.constantFrom(...NUMBER_TEXTS) },
  );
}

/**
 * Percent-encoding of the UTF-8 bytes (lone surrogates too, which encodeURIComponent throws on).
 * `loose` leaves every printable ASCII character as it is (`/ ? # & = %` included), so a value can
 * break out of its path segment or parameter, as a careless client's would.
 */
export function percentEncode(s: string, loose = false): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-._~]/.test(c) || (loose && b > 0x20 && b < 0x7f)) out += c;
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const encoded = (value: fc.Arbitrary<string>) =>
  fc
    .tuple(value, fc.nat(9))
    .map(([v, n]) =>
      n === 0 ? { text: percentEncode(v, true), loose: true } : { text: percentEncode(v), loose: false },
    );

/** The query string: some declared parameters, sometimes an unknown, repeated or broken one. */
function queryOf(op: Operation, known: Known): fc.Arbitrary<{ text: string; notes: string[] }> {
  const declared = op.params.filter((p) => p.in === 'query');
  const pairs = fc
    .subarray(declared, { maxLength: Math.min(5, declared.length) })
    .chain((ps) =>
      ps.length === 0
        ? fc.constant([] as Array<[string, { text: string; loose: boolean }]>)
        : fc.tuple(
            ...ps.map((p) => encoded(paramValue(p, known)).map((v) => [p.name, v] as [string, typeof v])),
          ),
    );
  const extra = fc.oneof(
    { weight: 12, arbitrary: fc.constant<{ pair?: string; note?: string }>({}) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.oneof(fc.constantFrom('foo', 'perpage', '__proto__', 'constructor', 'MATCH_'), hostileString),
          hostileString,
        )
        .map(([k, v]) => ({ pair: `${percentEncode(k)}=${percentEncode(v)}`, note: 'unknown parameter' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '%',
          '%zz',
          '&&&',
          '=',
          '==x',
          'a[b]=c',
          '__proto__[x]=1',
          'constructor[prototype][x]=1',
          '?',
          '#x',
          '%00=%00',
          ';x=1',
          '+=+',
        )
        .map((raw) => ({ pair: raw, note: 'broken query' })),
    },
  );
  return fc.tuple(pairs, extra, fc.nat(7)).map(([ps, x, dup]) => {
    const notes: string[] = [];
    const parts = ps.map(([k, v]) => {
      if (v.loose) notes.push(`${k} unencoded`);
      return `${k}=${v.text}`;
    });
    const first = parts[0];
    if (dup === 0 && first) {
      parts.push(first);
      notes.push('repeated parameter');
    }
    if (x.pair) parts.push(x.pair);
    if (x.note) notes.push(x.note);
    return { text: parts.length ? `?${parts.join('&')}` : '', notes };
  });
}

/** A path of the operation, its parameters filled in, or now and then one no route expects. */
function pathOf(op: Operation, known: Known): fc.Arbitrary<{ text: string; notes: string[] }> {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const values = names.map((name) => {
    const p = op.params.find((x) => x.in === 'path' && x.name === name) ?? {
      name,
      in: 'path' as const,
      required: true,
      schema: { type: 'string' },
    };
    return encoded(paramValue(p, known));
  });
  const filled = (
    values.length ? fc.tuple(...values) : fc.constant([] as Array<{ text: string; loose: boolean }>)
  ).map((vs) => {
    let i = 0;
    const notes: string[] = [];
    const text = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const v = vs[i++] ?? { text: '', loose: false };
      if (v.loose) notes.push(`${name} unencoded`);
      return v.text;
    });
    return { text, notes };
  });
  const odd = fc
    .constantFrom(
      (p: string) => `${p}/`,
      (p: string) => `/${p}`,
      (p: string) => p.toUpperCase(),
      (p: string) => `${p}/..`,
      (p: string) => `${p};x=1`,
      (p: string) => `${p}%2F`,
      (p: string) => `${p}/${'x'.repeat(3000)}`,
      (p: string) => p.replace(/^\//, '/./'),
      (p: string) => p.replace(/^\//, '/%2e%2e/'),
      (p: string) => `${p}/%`,
      (p: string) => `${p}\\`,
    )
    .chain((f) => filled.map((x) => ({ text: f(x.text), notes: [...x.notes, 'odd path'] })));
  return fc.oneof({ weight: 19, arbitrary: filled }, { weight: 1, arbitrary: odd });
}

/** Events the node can accept: commissioning, moves of known EPCs, aggregation, GS1's examples. */
function validEvent(known: Known, examples: unknown[]): fc.Arbitrary<JsonValue> {
  const location = fc.constantFrom(
    ...(known.locations.length ? known.locations : ['urn:epc:id:sgln:0614141.00001.0']),
  );
  const epcs = known.epcs.length ? fc.constantFrom(...known.epcs) : sgtin;
  const base = (extra: Record<string, unknown>) =>
    fc.tuple(fc.uuid(), location, fc.boolean()).map(([u, loc, withId]) =>
      plain({
        type: 'ObjectEvent',
        ...(withId ? { eventID: `urn:uuid:${u}` } : {}),
        eventTime: '2026-11-24T10:00:00.000Z',
        eventTimeZoneOffset: '+00:00',
        readPoint: { id: loc },
        bizLocation: { id: loc },
        ...extra,
      }),
    );
  const commissioning = fc
    .array(fc.oneof(sgtin, sscc), { minLength: 1, maxLength: 5 })
    .chain((list) => base({ action: 'ADD', bizStep: 'commissioning', disposition: 'active', epcList: list }));
  const move = fc
    .tuple(
      fc.array(epcs, { minLength: 1, maxLength: 3 }),
      fc.constantFrom(...CBV_STEPS),
      fc.constantFrom(...CBV_DISPOSITIONS),
    )
    .chain(([list, step, disp]) =>
      base({ action: 'OBSERVE', bizStep: step, disposition: disp, epcList: list }),
    );
  const aggregation = fc
    .tuple(sscc, fc.array(epcs, { minLength: 1, maxLength: 3 }), fc.uuid(), location)
    .map(([parent, children, u, loc]) =>
      plain({
        type: 'AggregationEvent',
        eventID: `urn:uuid:${u}`,
        eventTime: '2026-11-24T10:00:00.000Z',
        eventTimeZoneOffset: '+00:00',
        action: 'ADD',
        bizStep: 'packing',
        parentID: parent,
        childEPCs: children,
        readPoint: { id: loc },
      }),
    );
  const arbs: Array<fc.WeightedArbitrary<JsonValue>> = [
    { weight: 4, arbitrary: commissioning },
    { weight: 3, arbitrary: move },
    { weight: 1, arbitrary: aggregation },
    { weight: 1, arbitrary: fromSchema({ $ref: '#/components/schemas/EPCISEvent' }) },
  ];
  if (examples.length) arbs.push({ weight: 3, arbitrary: fc.constantFrom(...examples).map(plain) });
  return fc.oneof(...arbs);
}

function validDocument(known: Known, examples: unknown[]): fc.Arbitrary<JsonValue> {
  return fc.array(validEvent(known, examples), { minLength: 1, maxLength: 4 }).map((events) =>
    plain({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-11-24T10:00:00.000Z',
      epcisBody: { eventList: events },
    }),
  );
}

/** A valid request body for the operation's schema, by what the schema is. */
function validBody(
  op: Operation,
  known: Known,
  examples: unknown[],
  queryEvents?: Operation,
): fc.Arbitrary<JsonValue> {
  const body = op.body;
  if (!body) return fc.constant(null);
  switch (body.schemaName) {
    case 'EPCISDocument':
      return validDocument(known, examples);
    case 'EPCISEvent':
      return validEvent(known, examples);
    case 'NamedQueryInput': {
      const params = (queryEvents?.params ?? []).filter(
        (p) => p.in === 'query' && p.name !== 'perPage' && p.name !== 'nextPageToken',
      );
      return fc
        .tuple(
          fc.stringMatching(/^[A-Za-z0-9._~-]{1,64}$/),
          fc
            .subarray(params, { maxLength: Math.min(3, params.length) })
            .chain((ps) =>
              ps.length
                ? fc.tuple(...ps.map((p) => paramValue(p, known).map((v): [string, string] => [p.name, v])))
                : fc.constant<Array<[string, string]>>([]),
            ),
        )
        .map(([name, entries]) => plain({ name, query: Object.fromEntries(entries) }));
    }
    case 'QuerySubscriptionInput':
      // Loopback only (tests send traffic only to loopback): port 9 is discard, nothing listens.
      return fc
        .tuple(
          fc.constantFrom(
            'http://127.0.0.1:9/hook',
            'http://localhost:9/x',
            'https://127.0.0.1:9/',
            'http://[::1]:9/',
          ),
          fc.option(fc.string({ minLength: 1, maxLength: 64 }), { nil: undefined }),
        )
        .map(([dest, token]) => plain({ dest, stream: true, ...(token ? { signatureToken: token } : {}) }));
    default:
      return fromSchema(body.schema);
  }
}

/** The body as bytes: valid, mutated as JSON, or broken as text. */
function bodyOf(op: Operation, known: Known, examples: unknown[], queryEvents?: Operation) {
  const valid = validBody(op, known, examples, queryEvents);
  const asText = (v: JsonValue) => Buffer.from(toJsonText(v), 'utf8');
  const broken = fc.tuple(valid, fc.nat(), fc.nat(14)).map(([v, at, how]) => {
    const text = toJsonText(v);
    const cases: Array<[string, () => Buffer]> = [
      ['truncated', () => Buffer.from(text.slice(0, at % Math.max(text.length, 1)))],
      ['BOM', () => Buffer.from(`\uFEFF${text}`)],
      ['trailing garbage', () => Buffer.from(`${text}}x`)],
      ['empty', () => Buffer.alloc(0)],
      ['null', () => Buffer.from('null')],
      ['array', () => Buffer.from(`[${text}]`)],
      ['string', () => Buffer.from(JSON.stringify(text))],
      ['1e309', () => Buffer.from('1e309')],
      [
        'invalid UTF-8',
        () =>
          Buffer.concat([
            Buffer.from(text.slice(0, 20)),
            Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
            Buffer.from(text.slice(20)),
          ]),
      ],
      ['UTF-16', () => Buffer.from(text, 'utf16le')],
      [
        'duplicate keys',
        () => Buffer.from(text.replace(/^\{/, '{"type":"AggregationEvent","type":"EPCISDocument",')),
      ],
      ['deep nesting', () => Buffer.from(deepNesting(2 * (1 + (at % 50_000))).text)],
      ['whitespace', () => Buffer.from(`${' '.repeat(at % 100_000)}${text}`)],
      ['lone surrogate escape', () => Buffer.from(text.replace(/"([^"]*)"/, '"\\ud800$1"'))],
      ['NUL', () => Buffer.from(text.replace(/"([^"]*)"/, '"\\u0000$1"'))],
    ];
    const [note, make] = cases[how % cases.length] as [string, () => Buffer];
    return { body: make(), note };
  });
  const oversize = fc.constant({
    body: Buffer.alloc(known.bodyLimit + 1024, 0x20),
    note: 'over the body limit',
  });
  return fc.oneof(
    { weight: 400, arbitrary: valid.map((v) => ({ body: asText(v), note: 'valid body' })) },
    {
      weight: 400,
      arbitrary: valid.chain(mutateJson).map((v) => ({ body: asText(v), note: 'mutated body' })),
    },
    { weight: 200, arbitrary: broken },
    {
      weight: 200,
      arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ body: asText(plain(v)), note: 'any JSON' })),
    },
    { weight: 1, arbitrary: oversize },
  );
}

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/problem+json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json;;',
  'application/json, text/plain',
  'APPLICATION/JSON',
  'application/ld+json; profile="x"',
  '*/*',
  'application/',
  ';',
  '',
];

/** Which valid token an operation needs: admin for governance writes, the writer for other writes. */
function roleFor(op: Operation): TokenVariant {
  if (op.method === 'GET' || op.method === 'HEAD') return 'reader';
  return op.path.startsWith('/governance') ? 'admin' : 'writer';
}

const OTHER_METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'FOO',
];

/** Requests derived from one operation. */
function requestOf(
  op: Operation,
  known: Known,
  examples: unknown[],
  queryEvents?: Operation,
): fc.Arbitrary<FuzzRequest> {
  const token = fc.oneof(
    { weight: op.secured ? 14 : 2, arbitrary: fc.constant(roleFor(op)) },
    {
      weight: op.secured ? 2 : 10,
      arbitrary: fc.constantFrom<TokenVariant>('writer', 'reader', 'admin', 'none'),
    },
    { weight: 4, arbitrary: fc.constantFrom(...TOKEN_VARIANTS) },
  );
  const contentType = op.body
    ? fc.oneof(
        { weight: 14, arbitrary: fc.constantFrom(...op.body.types) },
        { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      )
    : fc.oneof(
        { weight: 20, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
      );
  const body = op.body
    ? bodyOf(op, known, examples, queryEvents).map((b) => b as { body: Buffer; note: string } | undefined)
    : fc.oneof(
        { weight: 30, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: fc.constant({ body: Buffer.from('{"a":1}'), note: 'body on a bodiless operation' }),
        },
      );
  const headerParams = op.params.filter((p) => p.in === 'header');
  const headers = fc.tuple(
    ...headerParams.map((p) =>
      fc.option(fc.oneof({ weight: 4, arbitrary: fromSchema(p.schema).map(String) }, hostileHeaderValue), {
        nil: undefined,
      }),
    ),
    fc.option(
      fc.tuple(
        fc.constantFrom(
          'accept',
          'accept-encoding',
          'x-forwarded-for',
          'gs1-epcis-version',
          'gs1-cbv-version',
          'origin',
          'x-request-id',
          'content-encoding',
        ),
        hostileHeaderValue,
      ),
      { freq: 6, nil: undefined },
    ),
  );
  const method = fc.oneof(
    { weight: 24, arbitrary: fc.constant(op.method) },
    { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
  );
  return fc
    .tuple(method, pathOf(op, known), queryOf(op, known), token, contentType, body, headers)
    .map(([m, path, query, tok, type, b, hs]) => {
      const notes = [...path.notes, ...query.notes];
      if (m !== op.method) notes.push(`method ${m}`);
      if (tok !== roleFor(op)) notes.push(`token ${tok}`);
      if (b) notes.push(b.note);
      const h: Record<string, string> = {};
      if (type !== undefined) h['content-type'] = type;
      const values = hs.slice(0, headerParams.length) as Array<string | undefined>;
      headerParams.forEach((p, i) => {
        const v = values[i];
        if (v !== undefined) h[p.name.toLowerCase()] = v;
      });
      const extra = hs[headerParams.length] as [string, string] | undefined;
      if (extra && !(extra[0] in h)) {
        h[extra[0]] = extra[1];
        notes.push(`header ${extra[0]}`);
      }
      return {
        operation: op.id,
        method: m,
        path: path.text + query.text,
        token: tok,
        headers: h,
        ...(b ? { body: b.body } : {}),
        notes,
      };
    });
}

/** Every operation's requests, each operation as likely as any other. */
export function requests(ops: Operation[], known: Known, examples: unknown[]): fc.Arbitrary<FuzzRequest> {
  const queryEvents = ops.find((o) => o.method === 'GET' && o.path === '/events');
  return fc.oneof(...ops.map((op) => requestOf(op, known, examples, queryEvents)));
}
