import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import { type CbvXmlFormat, EPCIS_CONTEXT_URL, GcpLengths, queryDocumentXml } from '../../epcis/index.js';
import type { EpcisEvent } from '../../ledger/index.js';
import {
  decodePageToken,
  encodePageToken,
  inEpcFormat,
  type Pairs,
  type ParsedQuery,
  parseEventQuery,
  perPageOf,
  queryPairs,
  type TokenBinding,
} from '../../query/index.js';
import { principalOf } from '../auth.js';
import type { Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';

const CONTEXT = [EPCIS_CONTEXT_URL];

/**
 * The raw query string. Parameters are read from it rather than from Fastify's parsed object, so a
 * repeated name is seen as repeated (and refused) whatever the parser would make of it.
 */
export function rawSearch(request: FastifyRequest): string {
  const i = request.url.indexOf('?');
  return i < 0 ? '' : request.url.slice(i + 1);
}

/** `Link: <path?params&nextPageToken=...>; rel="next"` (RFC 8288), as the EPCIS REST binding pages. */
export function linkNext(path: string, pairs: Pairs, token: string): string {
  const params = new URLSearchParams(pairs.filter(([n]) => n !== 'nextPageToken') as [string, string][]);
  params.append('nextPageToken', token);
  return `<${path}?${params}>; rel="next"`;
}

/** The next page's Link header, when there is a next page. */
export function setNext(
  reply: FastifyReply,
  path: string,
  pairs: Pairs,
  binding: TokenBinding,
  position: ReadonlyArray<number | string> | undefined,
): void {
  if (position) void reply.header('link', linkNext(path, pairs, encodePageToken(position, binding)));
}

/**
 * One page of a list ordered by a string key (named queries, a query's subscriptions): perPage,
 * a nextPageToken bound to `path` carrying the last key, and the Link to the next page.
 */
export function keyedPage<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  list: (limit: number, after: string) => T[],
  keyOf: (row: T) => string,
): T[] {
  const pairs = queryPairs(rawSearch(request), ['perPage', 'nextPageToken']);
  const get = (n: string) => pairs.find(([k]) => k === n)?.[1];
  const binding = { scope: path, org: principalOf(request).org, defining: [] };
  const token = get('nextPageToken');
  const after = token === undefined ? '' : String(decodePageToken(token, binding, ['string'])[0]);
  const limit = perPageOf(get('perPage'));
  const rows = list(limit + 1, after);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  setNext(reply, path, pairs, binding, rows.length > limit && last ? [keyOf(last)] : undefined);
  return page;
}

export function queryDocument(
  queryName: string,
  events: EpcisEvent[],
  subscriptionID?: string,
): Schemas['EPCISQueryDocument'] {
  return {
    '@context': CONTEXT,
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    // Committed events passed EPCIS validation, so their type is one of the five.
    epcisBody: {
      queryResults: {
        queryName,
        ...(subscriptionID === undefined ? {} : { subscriptionID }),
        resultsBody: { eventList: events as Schemas['EPCISEvent'][] },
      },
    },
  };
}

export interface QueryRun {
  /** Every parameter, path-given ones first. */
  pairs: Pairs;
  /** What tokens are bound to (the resource), e.g. the path. */
  scope: string;
  /** Path of the next page's link. */
  path: string;
  /** Parameters to repeat in the next page's link (not those the path gives). */
  linkPairs: Pairs;
  queryName: string;
}

/** Runs a parsed simple event query and answers with one page as an EPCISQueryDocument. */
export function answerQuery(
  deps: ApiDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  run: QueryRun,
): Schemas['EPCISQueryDocument'] | string {
  const { org } = principalOf(request);
  const parsed: ParsedQuery = parseEventQuery(run.pairs, run.scope, org);
  if (parsed.maxEventCount !== undefined) {
    // EPCIS: more matches than maxEventCount is QueryTooLargeException, not a partial answer.
    // Counted, not served: no byte budget, or a page cut by bytes would read as too many matches.
    const probe = deps.query.events(org, {
      ...parsed.request,
      after: undefined,
      limit: parsed.maxEventCount,
      maxBytes: undefined,
    });
    if (probe.next)
      throw new WaybillError(
        ErrorCode.QueryTooLarge,
        `more than maxEventCount=${parsed.maxEventCount} events match; narrow the query or raise maxEventCount`,
        { maxEventCount: parsed.maxEventCount },
      );
  }
  // Cut by bytes as well as by count: the next page's token continues after the last event served.
  const page = deps.query.events(org, { ...parsed.request, maxBytes: deps.query.pageMaxBytes });
  const served = parsed.servedBefore + page.events.length;
  const more = page.next && (parsed.eventCountLimit === undefined || served < parsed.eventCountLimit);
  const next = more && page.next ? [page.next.value, page.next.seq, served] : undefined;
  setNext(reply, run.path, run.linkPairs, { scope: run.scope, org, defining: parsed.defining }, next);
  return sendQueryDocument(request, reply, queryDocument(run.queryName, page.events), deps);
}

const JSON_LD = 'application/ld+json; charset=utf-8';
const JSON_PLAIN = 'application/json; charset=utf-8';
const XML = 'application/xml; charset=utf-8';

/** What each acceptable media range is answered with, best first among equal q-values. */
const SERVED: Array<[range: string, type: string]> = [
  ['application/ld+json', JSON_LD],
  ['application/json', JSON_PLAIN],
  ['application/xml', XML],
  ['text/xml', XML],
  ['application/*', JSON_LD],
  ['*/*', JSON_LD],
];

/**
 * The media type of EPCIS events and query results for an `Accept` header: JSON-LD by default,
 * plain JSON or EPCIS XML for clients that prefer them (highest q first, then the client's order),
 * 406 NOT_ACCEPTABLE when the client accepts none of them (nor any type: `*` + `/*`, `application/*`).
 */
export function eventContentType(accept: string | undefined): string {
  if (!accept?.trim()) return JSON_LD;
  const ranges = accept
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q ? Number(q.slice(2)) : 1, order };
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const range of ranges) {
    const served = SERVED.find(([r]) => r === range.type);
    if (served) return served[1];
  }
  throw new WaybillError(
    ErrorCode.NotAcceptable,
    `this resource is served as application/ld+json, application/json or application/xml (EPCIS XML), not '${accept}'`,
  );
}

const gcpTables = new WeakMap<object, GcpLengths>();

/**
 * GS1 Company Prefix lengths the node knows: its members' (every EPC URI in genesis names one)
 * and its trading partners' (node.json gs1.companyPrefixes).
 */
function gcpLengthsOf(deps: Pick<ApiDeps, 'genesis' | 'companyPrefixes'>): GcpLengths {
  let table = gcpTables.get(deps);
  if (!table) {
    const members = deps.genesis().members.flatMap((m) => [...m.parties, ...m.locations]);
    table = new GcpLengths([...GcpLengths.prefixesOf(members), ...deps.companyPrefixes]);
    gcpTables.set(deps, table);
  }
  return table;
}

/** GS1-CBV-XML-Format: CBV values in XML answers as URNs (EPCIS 1.x form, the default) or web URIs. */
function cbvXmlFormat(request: FastifyRequest): CbvXmlFormat {
  return request.headers['gs1-cbv-xml-format'] === 'Always_Web_URI' ? 'web' : 'urn';
}

/**
 * An EPCIS query document in the media type the client accepts: JSON(-LD), or the EPCIS 2.0 XML
 * binding, whose extension elements take their namespaces from each event's capture @context.
 */
export function sendQueryDocument(
  request: FastifyRequest,
  reply: FastifyReply,
  document: Schemas['EPCISQueryDocument'],
  deps: Pick<ApiDeps, 'events' | 'genesis' | 'companyPrefixes'>,
): Schemas['EPCISQueryDocument'] | string {
  const namespaces = deps.events.namespaces;
  const type = eventContentType(request.headers.accept);
  void reply.type(type);
  const format = request.headers['gs1-epc-format'];
  const results = document.epcisBody.queryResults;
  const eventList = inEpcFormat(
    results.resultsBody.eventList as EpcisEvent[],
    typeof format === 'string' ? format : undefined,
    gcpLengthsOf(deps).lengthOf,
  );
  if (type === XML) {
    return queryDocumentXml({
      queryName: results.queryName,
      subscriptionID: results.subscriptionID,
      creationDate: document.creationDate,
      events: eventList,
      namespaces: (event) => (typeof event.eventID === 'string' ? namespaces(event.eventID) : {}),
      cbvFormat: cbvXmlFormat(request),
    });
  }
  return {
    ...document,
    epcisBody: {
      queryResults: { ...results, resultsBody: { eventList: eventList as Schemas['EPCISEvent'][] } },
    },
  };
}
