import type { Ajv } from 'ajv';
import { openapiDocument } from './openapi-document.js';

type Json = Record<string, unknown>;
type Parameter = { name: string; in: string; required?: boolean; schema?: Json; $ref?: string };

/**
 * Fastify route schemas derived from api/openapi.yaml, so request validation is the document's:
 * the operation's path, query and header parameters, and its JSON request body, with every
 * `#/components/...` reference inlined (Fastify's Ajv does not see the document). `body: false`
 * leaves the body to the handler (EPCIS documents get services/epcis' field-by-field errors).
 */
export function specSchema(operationId: string, opts: { body?: boolean } = {}): Json {
  const op = operation(operationId);
  const params = (op.parameters ?? []).map(resolveParameter);
  const group = (where: string, extra: Json = {}) => {
    const list = params.filter((p) => p.in === where);
    if (list.length === 0) return undefined;
    return {
      type: 'object',
      properties: Object.fromEntries(
        list.map((p) => [where === 'header' ? p.name.toLowerCase() : p.name, inline(p.schema ?? {})]),
      ),
      required: list
        .filter((p) => p.required)
        .map((p) => (where === 'header' ? p.name.toLowerCase() : p.name)),
      ...extra,
    };
  };
  const body = (op.requestBody as { content?: Record<string, { schema?: Json }> } | undefined)?.content?.[
    'application/json'
  ]?.schema;
  const schema: Json = {};
  const path = group('path');
  const query = group('query', { additionalProperties: false });
  const headers = group('header');
  if (path) schema.params = path;
  if (query) schema.querystring = query;
  if (headers) schema.headers = headers;
  if (body && opts.body !== false) schema.body = inline(body);
  return schema;
}

function operation(operationId: string): { parameters?: Parameter[]; requestBody?: unknown } {
  const paths = openapiDocument().paths as Record<string, Record<string, Json>>;
  for (const methods of Object.values(paths)) {
    for (const op of Object.values(methods)) if (op.operationId === operationId) return op;
  }
  throw new Error(`api/openapi.yaml has no operation ${operationId}`);
}

function resolveParameter(p: Parameter): Parameter {
  return p.$ref ? (lookup(p.$ref) as Parameter) : p;
}

function lookup(ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], openapiDocument());
}

/**
 * Ajv keyword every numeric schema of the document gets (see `inline`): Ajv coerces the query
 * string `1e309` to Infinity without checking it is finite, and then skips minimum and maximum for
 * a non-finite number, so Infinity reached SQLite as a page size (issue 19: a 500). An integer must
 * also be a safe one: `9007199254740993` would silently become a different number.
 */
export const FINITE_KEYWORD = 'x-waybill-finite';

export function finiteNumbersKeyword(ajv: Ajv): Ajv {
  return ajv.addKeyword({
    keyword: FINITE_KEYWORD,
    // No `type: 'number'`: Ajv would then skip non-finite numbers, the very values to refuse.
    schemaType: 'string',
    errors: false,
    validate: (kind: string, data: unknown) =>
      typeof data !== 'number' || (kind === 'integer' ? Number.isSafeInteger(data) : Number.isFinite(data)),
  });
}

function numericKind(type: unknown): 'integer' | 'number' | undefined {
  const types = Array.isArray(type) ? type : [type];
  if (types.includes('number')) return 'number';
  if (types.includes('integer')) return 'integer';
  return undefined;
}

/** A copy with references replaced by what they name (the document has no recursive schemas). */
function inline(schema: unknown): Json {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const ref = (node as Json).$ref;
    if (typeof ref === 'string') return walk(lookup(ref));
    const out: Json = {};
    // OpenAPI annotations Ajv does not know in strict mode are dropped; they validate nothing.
    for (const [k, v] of Object.entries(node as Json))
      if (k !== 'examples' && k !== 'example') out[k] = walk(v);
    const kind = numericKind(out.type);
    if (kind) out[FINITE_KEYWORD] = kind;
    return out;
  };
  return walk(schema) as Json;
}
