import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import {
  isEventQueryParameter,
  parseEventQuery,
  queryPairs,
  queryParameterError,
} from '../../query/index.js';
import type { NamedQuery } from '../../storage/index.js';
import { type AuthHooks, principalOf } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import { EPCIS_TYPE, emptyBody } from '../problem.js';
import type { ApiDeps } from '../types.js';
import { answerQuery, keyedPage, rawSearch } from './query-support.js';

type NameParams = Operations['getNamedQuery']['parameters']['path'];

/** `.` and `..` are refused: clients resolve them away as dot segments (RFC 3986), so such a query could never be named in a URL. */
const NAME = /^(?!\.{1,2}$)[A-Za-z0-9._~-]{1,64}$/;
const PAGING = ['perPage', 'nextPageToken'];

function invalidName(): WaybillError {
  return new WaybillError(ErrorCode.ValidationFailed, 'the request is not valid', {
    errors: [
      { field: 'body.name', message: 'must be 1 to 64 of letters, digits, ., _, - and ~, and not . or ..' },
    ],
  });
}

/** A saved query's parameters as strings: arrays mean any of (joined with |), like the REST binding. */
function paramsOf(query: unknown): Record<string, string> {
  if (typeof query !== 'object' || query === null || Array.isArray(query))
    throw new WaybillError(ErrorCode.ValidationFailed, 'the request is not valid', {
      errors: [{ field: 'body.query', message: 'must be an object of query parameters' }],
    });
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (PAGING.includes(name) || !isEventQueryParameter(name))
      throw queryParameterError(name, 'unknown query parameter');
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      params[name] = String(value);
    } else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
      params[name] = value.join('|');
    } else {
      throw queryParameterError(name, 'must be a string, a number, a boolean or an array of strings');
    }
  }
  return params;
}

const toResponse = (q: NamedQuery): Schemas['NamedQuery'] => ({
  name: q.name,
  query: q.params,
  createdBy: q.createdBy,
  createdAt: new Date(q.createdAt).toISOString(),
});

function notFound(name: string): WaybillError {
  return new WaybillError(ErrorCode.NotFound, `no named query '${name}'`, {
    [EPCIS_TYPE]: 'epcisException:NoSuchNameException',
  });
}

export function namedQueryRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  const named = deps.query.namedQueries;

  app.post('/queries', { onRequest: auth.write }, async (request, reply): Promise<Schemas['NamedQuery']> => {
    if (request.body === undefined) throw emptyBody();
    const { name, query, ...rest } = (request.body ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || !NAME.test(name)) throw invalidName();
    const extra = Object.keys(rest)[0];
    if (extra !== undefined)
      throw new WaybillError(ErrorCode.ValidationFailed, 'the request is not valid', {
        errors: [
          { field: `body.${extra}`, message: 'is not a member of a named query; give name and query' },
        ],
      });
    const params = paramsOf(query);
    parseEventQuery(Object.entries(params), `/queries/${name}`, ''); // validates every value
    const saved = { name, params, createdBy: principalOf(request).sub, createdAt: Date.now() };
    if (!(await named.add(saved)))
      throw new WaybillError(ErrorCode.Conflict, `a query named '${name}' exists`);
    void reply.code(201).header('location', `/queries/${encodeURIComponent(name)}`);
    return toResponse(saved);
  });

  app.get('/queries', { onRequest: auth.read }, async (request, reply): Promise<Schemas['NamedQuery'][]> => {
    const page = keyedPage(
      request,
      reply,
      '/queries',
      (limit, after) => named.list(limit, after),
      (q) => q.name,
    );
    return page.map(toResponse);
  });

  app.get<{ Params: NameParams }>(
    '/queries/:queryName',
    { onRequest: auth.read },
    async (request): Promise<Schemas['NamedQuery']> => {
      const q = named.get(request.params.queryName);
      if (!q) throw notFound(request.params.queryName);
      return toResponse(q);
    },
  );

  app.delete<{ Params: NameParams }>(
    '/queries/:queryName',
    { onRequest: auth.write },
    async (request, reply) => {
      if (!(await named.remove(request.params.queryName))) throw notFound(request.params.queryName);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: NameParams }>(
    '/queries/:queryName/events',
    { onRequest: auth.read },
    async (request, reply) => {
      const { queryName } = request.params;
      const q = named.get(queryName);
      if (!q) throw notFound(queryName);
      const given = queryPairs(rawSearch(request), PAGING);
      const path = `/queries/${encodeURIComponent(queryName)}/events`;
      return answerQuery(deps, request, reply, {
        pairs: [...Object.entries(q.params), ...given],
        scope: path,
        path,
        linkPairs: given,
        queryName,
      });
    },
  );
}
