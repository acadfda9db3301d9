import { openapiDocument } from './openapi-document.js';

/** Label of requests that matched no operation of the OpenAPI document (404s, /docs assets). */
export const UNKNOWN_OPERATION = 'unknown';

type Parameter = { in?: string; $ref?: string };
type Operation = { operationId?: string; parameters?: Parameter[] };
type Paths = Record<string, Record<string, Operation>>;

let byRoute: Map<string, string> | undefined;
let withQuery: Set<string> | undefined;

/** `GET /events/:eventID` -> `getEvent`, from api/openapi.yaml: the document names the operations. */
function operationIds(): Map<string, string> {
  if (byRoute) return byRoute;
  byRoute = new Map();
  const paths = (openapiDocument().paths ?? {}) as Paths;
  for (const [path, methods] of Object.entries(paths)) {
    const url = path.replace(/\{(\w+)\}/g, ':$1');
    for (const [method, op] of Object.entries(methods)) {
      if (op.operationId) byRoute.set(`${method.toUpperCase()} ${url}`, op.operationId);
    }
  }
  return byRoute;
}

/**
 * The OpenAPI operationId of a Fastify route (method and route URL as registered), or undefined
 * for routes the document does not describe. HEAD is answered by the GET operation.
 */
export function operationIdOf(method: string, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const m = method === 'HEAD' ? 'GET' : method;
  return operationIds().get(`${m} ${url}`);
}

/** `$ref`s to components.parameters resolved: does the parameter go in the query string? */
function inQuery(p: Parameter): boolean {
  if (p.in !== undefined) return p.in === 'query';
  const name = p.$ref?.replace('#/components/parameters/', '') ?? '';
  const doc = openapiDocument() as { components?: { parameters?: Record<string, Parameter> } };
  const components = doc.components?.parameters ?? {};
  return components[name]?.in === 'query';
}

/**
 * Whether the operation of a route declares query parameters in the OpenAPI document (its
 * handler or schema checks them); operations that declare none take none (query.ts).
 */
export function declaresQueryParameters(method: string, url: string | undefined): boolean {
  if (!withQuery) {
    withQuery = new Set();
    const paths = (openapiDocument().paths ?? {}) as Paths;
    for (const [path, methods] of Object.entries(paths)) {
      const route = path.replace(/\{(\w+)\}/g, ':$1');
      for (const [m, op] of Object.entries(methods)) {
        if ((op.parameters ?? []).some(inQuery)) withQuery.add(`${m.toUpperCase()} ${route}`);
      }
    }
  }
  return url !== undefined && withQuery.has(`${method === 'HEAD' ? 'GET' : method} ${url}`);
}
