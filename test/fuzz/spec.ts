import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../support/root.js';

/**
 * The operations of the node's own api/openapi.yaml, with their parameters and request bodies
 * resolved, as the fuzzer needs them: it derives every request from this, so an operation added to
 * the document is fuzzed without touching the fuzzer.
 */
export type JsonSchema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  id: string;
  method: string;
  /** The template, e.g. `/events/{eventID}`. */
  path: string;
  params: Parameter[];
  /** Content types and schema of the request body, when it takes one. */
  body?: { types: string[]; schema: JsonSchema; schemaName?: string };
  /** Whether a bearer token is needed (the document's default security, unless `security: []`). */
  secured: boolean;
  /** Status codes the document declares. */
  statuses: number[];
}

type Json = Record<string, unknown>;

export const document = parse(readFileSync(join(packageRoot(), 'api/openapi.yaml'), 'utf8')) as Json;

/** Follows `$ref`s (local ones, all api/openapi.yaml has) until a non-reference object. */
export function deref<T = Json>(value: unknown): T {
  let v = value as Json;
  for (let hops = 0; typeof v?.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`reference cycle at ${String(v.$ref)}`);
    const parts = (v.$ref as string).replace(/^#\//, '').split('/');
    v = parts.reduce<Json>((at, p) => at[p.replaceAll('~1', '/').replaceAll('~0', '~')] as Json, document);
  }
  return v as T;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options', 'head'];

export function operations(): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const params = ((op.parameters as unknown[] | undefined) ?? []).map((p) => {
        const d = deref<Json>(p);
        return {
          name: d.name as string,
          in: d.in as Parameter['in'],
          required: d.required === true,
          schema: deref<JsonSchema>(d.schema ?? {}),
        };
      });
      const requestBody = op.requestBody ? deref<Json>(op.requestBody) : undefined;
      const content = requestBody?.content as Record<string, Json> | undefined;
      const types = Object.keys(content ?? {});
      const first = types[0];
      out.push({
        id: (op.operationId as string | undefined) ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        params,
        ...(content && first ? { body: bodyOf(types, content[first]?.schema as Json) } : {}),
        secured: !(Array.isArray(op.security) && op.security.length === 0),
        statuses: Object.keys((op.responses as Json | undefined) ?? {}).map(Number),
      });
    }
  }
  return out;
}

function bodyOf(types: string[], schema: Json): NonNullable<Operation['body']> {
  const ref = typeof schema?.$ref === 'string' ? schema.$ref : undefined;
  return { types, schema: deref<JsonSchema>(schema), ...(ref ? { schemaName: ref.split('/').at(-1) } : {}) };
}

/** The stable error codes (components.schemas.ErrorCode). */
export function errorCodes(): string[] {
  return deref<{ enum: string[] }>({ $ref: '#/components/schemas/ErrorCode' }).enum;
}
