import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// GS1's OpenAPI document of the EPCIS 2.0 REST binding and GS1's EPCIS JSON Schema, read from
// ../shared/epcis beside the checkout (never copied into the product).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = path.resolve(repoRoot, '../shared/epcis');
const OPENAPI = path.join(SHARED, 'schemas/openapi.yaml');
const EPCIS_SCHEMA = path.join(SHARED, 'schemas/EPCIS-JSON-Schema.json');

/** GS1's document refers to its JSON Schema through this stub; its definitions are the schema's. */
export const STUB = 'https://gs1.github.io/EPCIS/REST%20Bindings/JSON-Schema-Stub.json';

type Json = Record<string, unknown>;

/**
 * Points where GS1's document contradicts itself, each with how this client reads it. The client
 * applies `patch` to its copy of the document before generating types and validating responses.
 */
export interface Contradiction {
  where: string;
  what: string;
  /** How the client resolves it, and why. */
  resolution: string;
  patch?: (doc: Gs1Doc) => void;
}

export type Gs1Doc = {
  paths: Record<string, Record<string, Json>>;
  components: Record<string, Record<string, Json>>;
};

function at(doc: Gs1Doc, ...keys: string[]): Json {
  let node: unknown = doc;
  for (const k of keys) node = (node as Json)[k];
  return node as Json;
}

function problemEnum(doc: Gs1Doc, response: string, media: string): Json {
  const schema = at(doc, 'components', 'responses', response, 'content', media, 'schema');
  const first = (schema.allOf as Json[])[0] as Json;
  return first.properties as Json;
}

export const CONTRADICTIONS: Contradiction[] = [
  {
    where: 'components/responses/409ResourceAlreadyExistsException',
    what: "the example's status is 409 (and the response is a 409), but the schema's status enum is [406]",
    resolution: 'status 409, as the response code and the example say; enum corrected to [409]',
    patch: (doc) => {
      for (const media of ['application/problem+json', 'application/problem+xml'])
        (problemEnum(doc, '409ResourceAlreadyExistsException', media).status as Json).enum = [409];
    },
  },
  {
    where: 'components/responses/404ResourceNotFound',
    what: "the example's type is epcisException:NoSuchResourceException, the schema's type enum only allows NoSuchNameException",
    resolution:
      'both accepted: NoSuchNameException for an unknown named query (its meaning in the EPCIS query interface), NoSuchResourceException for other resources (events, capture jobs, subscriptions, vocabulary entries)',
    patch: (doc) => {
      for (const media of ['application/problem+json', 'application/problem+xml'])
        (problemEnum(doc, '404ResourceNotFound', media).type as Json).enum = [
          'epcisException:NoSuchNameException',
          'epcisException:NoSuchResourceException',
        ];
    },
  },
  {
    where: 'components/responses/415UnsupportedMediaType (application/problem+xml)',
    what: 'the type enum reads epcisException:IUnsupportedMediaTypeException (typo); the JSON variant and the example read UnsupportedMediaTypeException',
    resolution: 'UnsupportedMediaTypeException',
    patch: (doc) => {
      (problemEnum(doc, '415UnsupportedMediaType', 'application/problem+xml').type as Json).enum = [
        'epcisException:UnsupportedMediaTypeException',
      ];
    },
  },
  {
    where: 'components/schemas/CaptureJob',
    what: "oneOf [{properties: errors}, {properties: errorFile}] without `required`: every object matches both branches, so no capture job (not even GS1's own example) validates",
    resolution: 'read as anyOf (errors or errorFile, as the description says)',
    patch: (doc) => {
      const job = at(doc, 'components', 'schemas', 'CaptureJob');
      const allOf = job.allOf as Json[];
      const last = allOf[1] as Json;
      allOf[1] = { anyOf: last.oneOf };
    },
  },
  {
    where: 'paths /events GET and /epcs/{epc}/events etc. versus /eventTypes/{eventType}/events GET',
    what: 'the description says query parameters follow the EPCIS query language (whose errors are QueryParameterException, 400) and that maxEventCount raises QueryTooLargeException, but only /eventTypes/{eventType}/events declares 400QueryIssues and no event list declares 413',
    resolution:
      'a 400 with a type of 400QueryIssues and a 413 with a type of 413QueryScopeOrSize are accepted on every event list',
    patch: (doc) => {
      for (const [p, item] of Object.entries(doc.paths)) {
        const get = item.get as Json | undefined;
        if (!get || !p.endsWith('/events')) continue;
        const responses = get.responses as Json;
        responses['400'] ??= { $ref: '#/components/responses/400QueryIssues' };
        responses['413'] ??= { $ref: '#/components/responses/413QueryScopeOrSize' };
      }
    },
  },
  {
    where: 'components/parameters/GS1-EPC-Format',
    what: 'the description gives Always_GS1_Digital_Link as the default when the header is absent, while the enum offers No_Preference and Never_Translates for "keep the original format"; the EPCIS 2.0 standard (section 12.3) leaves the format to the server when there is no preference',
    resolution:
      'absent or No_Preference: identifiers come back as they were captured (Never_Translates); the client asks explicitly when it needs one form',
  },
  {
    where: 'components/schemas/GS1-Extensions',
    what: 'the header schema is `type: object`, but its example (and HTTP) is a comma-separated string',
    resolution: 'headers are checked for presence, not against this schema',
  },
  {
    where: 'components/schemas/GS1-Query-Second .. GS1-Query-DayOfWeek',
    what: 'the patterns use PCRE recursion (\\g<element>) that no ECMAScript or JSON Schema regex accepts, and [0-59] is a character class, not a range',
    resolution: "the patterns are dropped from the client's copy; the node checks schedules itself",
    patch: (doc) => {
      for (const name of ['Second', 'Minute', 'Hour', 'DayOfMonth', 'Month', 'DayOfWeek'])
        delete at(doc, 'components', 'schemas', `GS1-Query-${name}`).pattern;
    },
  },
  {
    where: 'paths /queries/{queryName} GET',
    what: 'the 200 schema is an array of query definitions while the example (and the resource, one named query) is one object',
    resolution: 'one object, as the example',
    patch: (doc) => {
      const get = at(doc, 'paths', '/queries/{queryName}', 'get') as unknown as Gs1Doc;
      const content = at(get, 'responses', '200', 'content', 'application/json') as Json;
      content.schema = ((content.schema as Json).items as Json) ?? content.schema;
    },
  },
  {
    where: 'components/parameters/GS1-Capture-Error-Behaviour',
    what: "the request header's description allows rollback and proceed, its schema also `all` (which the header description reserves for the server)",
    resolution: 'the node accepts rollback and proceed from clients and announces `all` in OPTIONS /capture',
  },
];

function rewriteRefs(node: unknown, stubRef: (ref: string) => unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, stubRef));
  if (typeof node !== 'object' || node === null) return node;
  const obj = node as Json;
  if (typeof obj.$ref === 'string' && obj.$ref.startsWith('https://')) return stubRef(obj.$ref);
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, rewriteRefs(v, stubRef)]));
}

/**
 * GS1's document with the contradictions resolved. External `$ref`s to GS1's JSON Schema stub
 * point at `${STUB}#/definitions/...` (validation registers the schema under that id); `$ref`s
 * of examples to GS1's web site are dropped. For type generation (`forTypes`), schemas of the
 * stub become plain objects: openapi-typescript cannot read the stub offline.
 */
export function gs1Document(forTypes = false): Gs1Doc {
  const doc = parse(readFileSync(OPENAPI, 'utf8')) as Gs1Doc;
  const rewritten = rewriteRefs(doc, (ref) => {
    if (!ref.startsWith(`${STUB}#`)) return {};
    return forTypes ? { type: 'object', additionalProperties: true } : { $ref: ref };
  }) as Gs1Doc;
  for (const c of CONTRADICTIONS) c.patch?.(rewritten);
  return rewritten;
}

/** GS1's EPCIS 2.0 JSON Schema under the stub's id, as GS1's OpenAPI document refers to it. */
export function epcisSchemaAsStub(): Json {
  const schema = JSON.parse(readFileSync(EPCIS_SCHEMA, 'utf8')) as Json;
  return { ...schema, $id: STUB };
}
