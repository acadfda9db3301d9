import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { parse } from 'yaml';

/**
 * Response validation derived from api/openapi.yaml: every JSON answer the API tests receive is
 * checked against the schema the document gives for its operation and status, so the document
 * and the code cannot drift apart unnoticed.
 */
type Json = Record<string, unknown>;
const doc = parse(readFileSync(new URL('../../api/openapi.yaml', import.meta.url), 'utf8')) as Json;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(doc, 'openapi');

const routes = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, methods]) =>
  Object.keys(methods).map((method) => ({
    method: method.toUpperCase(),
    path,
    pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+').replaceAll('.', '\\.')}$`),
  })),
);

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** The schema pointer of the response to `method path` with `status` and JSON `type`, if declared. */
function schemaRef(method: string, path: string, status: number, type: string): string | undefined {
  const route = routes.find((r) => r.method === method && r.pattern.test(path));
  if (!route) return undefined;
  const op = (doc.paths as Record<string, Record<string, Json>>)[route.path]?.[method.toLowerCase()];
  let response = (op?.responses as Record<string, Json> | undefined)?.[String(status)];
  let base = `#/${pointer('paths', route.path, method.toLowerCase(), 'responses', String(status))}`;
  const ref = response?.$ref;
  if (typeof ref === 'string') {
    base = ref;
    const name = ref.split('/').at(-1) as string;
    response = ((doc.components as Json).responses as Record<string, Json>)[name];
  }
  const content = response?.content as Record<string, Json> | undefined;
  if (!content?.[type]?.schema) return undefined;
  return `openapi${base}/content/${pointer(type)}/schema`;
}

/** Throws when a JSON response does not match its declared schema. */
export function checkResponse(method: string, url: string, res: LightMyRequestResponse): void {
  const type = String(res.headers['content-type'] ?? '').split(';')[0] ?? '';
  if (!type.endsWith('json') || res.body === '') return;
  const path = new URL(url, 'http://x').pathname;
  const ref = schemaRef(method, path, res.statusCode, type);
  if (!ref) return;
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema at ${ref}`);
  if (!validate(res.json())) {
    throw new Error(
      `${method} ${path} ${res.statusCode} does not match api/openapi.yaml: ${ajv.errorsText(validate.errors)}`,
    );
  }
}
