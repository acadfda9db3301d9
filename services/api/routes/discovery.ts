import type { FastifyInstance, FastifyReply } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import { EPCIS_CONTEXT_URL, EVENT_TYPES } from '../../epcis/index.js';
import { EVENT_QUERY_PARAMETERS, parseEventQuery, queryPairs } from '../../query/index.js';
import type { VocabularyKind } from '../../storage/index.js';
import { type AuthHooks, principalOf } from '../auth.js';
import type { Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';
import { answerQuery, keyedPage, rawSearch } from './query-support.js';

/** The EPCIS and CBV versions this node speaks (GS1-EPCIS-Version, GS1-CBV-Version and their ranges). */
export const EPCIS_VERSION = '2.0.0';
export const CBV_VERSION = '2.0.0';

/** The top-level resources of the EPCIS 2.0 REST binding this node serves (GET /). */
const TOP_LEVEL = [
  'events',
  'eventTypes',
  'epcs',
  'bizSteps',
  'bizLocations',
  'readPoints',
  'dispositions',
  'capture',
  'queries',
] as const;

/**
 * GS1-EPCIS-Version, GS1-CBV-Version and GS1-Extensions on every answer: GS1 declares them on the
 * capture and query answers, and a client that reads them anywhere else finds them too.
 */
export function gs1Headers(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply
      .header('gs1-epcis-version', EPCIS_VERSION)
      .header('gs1-cbv-version', CBV_VERSION)
      // No EPCIS or CBV extensions: the header is present and empty.
      .header('gs1-extensions', '');
    return payload;
  });
}

/** The headers of an OPTIONS answer (GS1's 204DefaultDiscoveryResponse). */
export function discoveryHeaders(reply: FastifyReply, allow: string): FastifyReply {
  return reply
    .code(204)
    .header('allow', allow)
    .header('gs1-epcis-min', EPCIS_VERSION)
    .header('gs1-epcis-max', EPCIS_VERSION)
    .header('gs1-cbv-min', CBV_VERSION)
    .header('gs1-cbv-max', CBV_VERSION)
    .header('gs1-epc-format', 'No_Preference')
    .header('gs1-cbv-xml-format', 'No_Preference')
    .header('gs1-vendor-version', 'waybill');
}

/**
 * OPTIONS on every path the API serves: the methods it answers there and the discovery headers.
 * The methods are learnt from the routes as they are registered (register this first); a path
 * no route serves is a 404, as for any other method.
 */
export function optionsEverywhere(app: FastifyInstance): void {
  const routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  app.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return;
    const source = `^${route.url.replace(/:[^/]+/g, '[^/]+').replaceAll('.', '\\.')}/?$`;
    let entry = routes.find((r) => r.pattern.source === source);
    if (!entry) {
      entry = { pattern: new RegExp(source), methods: new Set() };
      routes.push(entry);
    }
    for (const m of [route.method].flat()) if (m !== 'HEAD') entry.methods.add(m);
  });
  app.options('*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const methods = new Set<string>(['OPTIONS']);
    for (const r of routes) if (r.pattern.test(path)) for (const m of r.methods) methods.add(m);
    if (methods.size === 1) throw new WaybillError(ErrorCode.NotFound, `no resource ${path}`);
    discoveryHeaders(reply, [...methods].join(', '));
  });
}

const VOCABULARIES: Array<{ kind: VocabularyKind; param: string }> = [
  { kind: 'epcs', param: 'epc' },
  { kind: 'bizSteps', param: 'bizStep' },
  { kind: 'bizLocations', param: 'bizLocation' },
  { kind: 'readPoints', param: 'readPoint' },
  { kind: 'dispositions', param: 'disposition' },
];

/** GS1's filter for `GET /{collection}/{value}/events`, to test that the value occurs. */
export const VOCABULARY_PARAMETER: Record<VocabularyKind, string> = {
  epcs: 'MATCH_anyEPC',
  bizSteps: 'EQ_bizStep',
  bizLocations: 'EQ_bizLocation',
  readPoints: 'EQ_readPoint',
  dispositions: 'EQ_disposition',
};

/** Whether an event `org` receives matches `parameter=value` (a malformed value is a 400 naming it). */
function occurs(deps: ApiDeps, org: string, parameter: string, value: string): boolean {
  const { request } = parseEventQuery(
    [
      [parameter, value],
      ['perPage', '1'],
    ],
    '',
    org,
  );
  return deps.query.events(org, request).events.length > 0;
}

const collection = (member: string[]): Schemas['ResourceCollection'] => ({
  '@context': [EPCIS_CONTEXT_URL],
  type: 'Collection',
  member,
});

/** GET /, /eventTypes/{eventType}, and the vocabulary collections and their members. */
export function discoveryRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.get(
    '/',
    { onRequest: auth.read },
    async (): Promise<Schemas['ResourceCollection']> => collection([...TOP_LEVEL]),
  );

  app.get<{ Params: { eventType: string } }>(
    '/eventTypes/:eventType',
    { onRequest: auth.read },
    async (request): Promise<Schemas['ResourceCollection']> => {
      if (!EVENT_TYPES.includes(request.params.eventType as never))
        throw new WaybillError(ErrorCode.NotFound, `no event type '${request.params.eventType}'`);
      return collection(['events']);
    },
  );

  app.get<{ Params: { eventType: string } }>(
    '/eventTypes/:eventType/events',
    { onRequest: auth.read },
    async (request, reply) => {
      const { eventType } = request.params;
      if (!EVENT_TYPES.includes(eventType as never))
        throw new WaybillError(ErrorCode.NotFound, `no event type '${eventType}'`);
      const given = queryPairs(
        rawSearch(request),
        EVENT_QUERY_PARAMETERS.filter((n) => n !== 'eventType'),
      );
      const path = `/eventTypes/${eventType}/events`;
      return answerQuery(deps, request, reply, {
        pairs: [['eventType', eventType], ...given],
        scope: path,
        path,
        linkPairs: given,
        queryName: 'SimpleEventQuery',
      });
    },
  );

  for (const { kind, param } of VOCABULARIES) {
    app.get(
      `/${kind}`,
      { onRequest: auth.read },
      async (request, reply): Promise<Schemas['ResourceCollection']> => {
        const member = keyedPage(
          request,
          reply,
          `/${kind}`,
          (limit, after) => deps.query.vocabulary(principalOf(request).org, kind, limit, after),
          (v) => v,
        );
        return collection(member);
      },
    );
    app.get<{ Params: Record<string, string> }>(
      `/${kind}/:${param}`,
      { onRequest: auth.read },
      async (request): Promise<Schemas['ResourceCollection']> => {
        const value = request.params[param] ?? '';
        if (!occurs(deps, principalOf(request).org, VOCABULARY_PARAMETER[kind], value))
          throw new WaybillError(ErrorCode.NotFound, `no committed event names this ${param}`);
        return collection(['events']);
      },
    );
  }
}
