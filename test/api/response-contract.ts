import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { packageRoot } from '../support/root.js';

/**
 * Response validation derived from api/openapi.yaml: every JSON answer the API tests receive is
 * checked against the schema the document gives for its operation and status, so the document
 * and the code cannot drift apart unnoticed.
 */
type Json = Record<string, unknown>;
// From the package root, so the fuzz CLI compiled to dist-bench/ (test/fuzz/main.ts) finds it too.
const doc = parse(readFileSync(join(packageRoot(), 'api/openapi.yaml'), 'utf8')) as Json;
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

/** The operation object api/openapi.yaml gives for `method path` (a concrete path), if any. */
function operationOf(method: string, path: string): Json | undefined {
  const route = routes.find((r) => r.method === method && r.pattern.test(path));
  if (!route) return undefined;
  return (doc.paths as Record<string, Record<string, Json>>)[route.path]?.[method.toLowerCase()];
}

/**
 * The statuses api/openapi.yaml declares for `method path` (a concrete path, as requested), or
 * undefined when no operation matches it.
 */
export function declaredStatuses(method: string, path: string): number[] | undefined {
  // The path as the router sees it: new URL would resolve `.` segments and turn `\` into `/`,
  // which fastify does not, and then miss the operation that answered.
  const op = operationOf(method, path.split(/[?#]/)[0] ?? path);
  if (!op) return undefined;
  return Object.keys((op.responses as Json | undefined) ?? {}).map(Number);
}

/** The schema pointer of the response to `method path` with `status` and JSON `type`, if declared. */
function schemaRef(method: string, path: string, status: number, type: string): string | undefined {
  const route = routes.find((r) => r.method === method && r.pattern.test(path));
  if (!route) return undefined;
  const op = operationOf(method, path);
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

/** What checkResponse reads of an answer: fastify's inject response, or one read over HTTP. */
export interface ContractResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json(): unknown;
}

/**
 * Throws when a success or server-error answer has a status its operation does not declare (a
 * client reads those to know what can happen; any operation may answer other 4xx problems), or
 * when a JSON response does not match its declared schema.
 */
export function checkResponse(method: string, url: string, res: ContractResponse): void {
  const declared = declaredStatuses(method === 'HEAD' ? 'GET' : method, url);
  const status = res.statusCode;
  if (declared && (status < 400 || status >= 500) && !declared.includes(status))
    throw new Error(`${method} ${url} answered ${status}, which api/openapi.yaml does not declare`);
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

/** Why `body` is not an RFC 9457 problem as api/openapi.yaml's Problem schema gives it; undefined when it is. */
export function problemErrors(body: unknown): string | undefined {
  const validate = ajv.getSchema('openapi#/components/schemas/Problem');
  if (!validate) throw new Error('api/openapi.yaml has no Problem schema');
  return validate(body) ? undefined : ajv.errorsText(validate.errors);
}
