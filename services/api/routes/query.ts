import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import { EPCIS_CONTEXT_URL, EVENT_TYPES } from '../../epcis/index.js';
import { EVENT_QUERY_PARAMETERS, perPageOf, queryPairs, queryParameterError } from '../../query/index.js';
import type { AuthHooks } from '../auth.js';
import type { Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';
import { answerQuery, rawSearch } from './query-support.js';

/** Discovery resources: GET /<collection>/{value}/events is GET /events?<parameter>=<value>. */
const DISCOVERY = [
  { collection: 'epcs', param: 'epc', parameter: 'MATCH_anyEPC' },
  { collection: 'bizSteps', param: 'bizStep', parameter: 'EQ_bizStep' },
  { collection: 'bizLocations', param: 'bizLocation', parameter: 'EQ_bizLocation' },
  { collection: 'readPoints', param: 'readPoint', parameter: 'EQ_readPoint' },
  { collection: 'dispositions', param: 'disposition', parameter: 'EQ_disposition' },
] as const;

const SIMPLE_EVENT_QUERY = 'SimpleEventQuery';

export function queryRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.get('/events', { onRequest: auth.read }, async (request, reply) => {
    const pairs = queryPairs(rawSearch(request), EVENT_QUERY_PARAMETERS);
    return answerQuery(deps, request, reply, {
      pairs,
      scope: '/events',
      path: '/events',
      linkPairs: pairs,
      queryName: SIMPLE_EVENT_QUERY,
    });
  });

  app.get(
    '/eventTypes',
    { onRequest: auth.read },
    async (request): Promise<Schemas['EventTypeCollection']> => {
      // Five types fit on any page; perPage is still checked, as everywhere.
      perPageOf(queryPairs(rawSearch(request), ['perPage']).find(([n]) => n === 'perPage')?.[1]);
      return {
        '@context': [EPCIS_CONTEXT_URL],
        type: 'Collection',
        member: [...EVENT_TYPES],
      };
    },
  );

  // GS1's optional release of a page token: Waybill's tokens hold nothing on the node (a token is a
  // self-checking position, page-token.ts), so there is nothing to release and none can be revoked.
  app.delete('/nextPageToken/:token', { onRequest: auth.read }, async () => {
    throw new WaybillError(
      ErrorCode.NotImplemented,
      'page tokens hold no resources on this node (each is a self-checking position in its result), so there is nothing to release; stop paging to abandon a result',
    );
  });

  for (const { collection, param, parameter } of DISCOVERY) {
    app.get<{ Params: Record<string, string> }>(
      `/${collection}/:${param}/events`,
      { onRequest: auth.read },
      async (request, reply) => {
        const value = request.params[param] ?? '';
        if (value.includes('|')) throw queryParameterError(param, 'the path names one value; no |');
        const given = queryPairs(rawSearch(request), EVENT_QUERY_PARAMETERS);
        if (given.some(([n]) => n === parameter)) throw queryParameterError(parameter, 'given by the path');
        const path = `/${collection}/${encodeURIComponent(value)}/events`;
        return answerQuery(deps, request, reply, {
          pairs: [[parameter, value], ...given],
          scope: path,
          path,
          linkPairs: given,
          queryName: SIMPLE_EVENT_QUERY,
        });
      },
    );
  }
}
