import { openapiDocument } from './openapi-document.js';

/** Label of requests that matched no operation of the OpenAPI document (404s, /docs assets). */
export const UNKNOWN_OPERATION = 'unknown';

type Paths = Record<string, Record<string, { operationId?: string }>>;

let byRoute: Map<string, string> | undefined;

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
