import type { FastifyReply, FastifyRequest } from 'fastify';
import { EPCIS_CONTEXT_URL } from '../../epcis/index.js';
import type { EpcisEvent } from '../../ledger/index.js';
import {
  decodePageToken,
  encodePageToken,
  type Pairs,
  type ParsedQuery,
  parseEventQuery,
  perPageOf,
  queryPairs,
  type TokenBinding,
} from '../../query/index.js';
import type { Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';
import { eventContentType } from './events.js';

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
  const binding = { scope: path, defining: [] };
  const token = get('nextPageToken');
  const after = token === undefined ? '' : String(decodePageToken(token, binding, ['string'])[0]);
  const limit = perPageOf(get('perPage'));
  const rows = list(limit + 1, after);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  setNext(reply, path, pairs, binding, rows.length > limit && last ? [keyOf(last)] : undefined);
  return page;
}

export function queryDocument(queryName: string, events: EpcisEvent[]): Schemas['EPCISQueryDocument'] {
  return {
    '@context': CONTEXT,
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    // Committed events passed EPCIS validation, so their type is one of the five.
    epcisBody: { queryResults: { queryName, resultsBody: { eventList: events as Schemas['EPCISEvent'][] } } },
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
): Schemas['EPCISQueryDocument'] {
  const parsed: ParsedQuery = parseEventQuery(run.pairs, run.scope);
  const page = deps.query.events(parsed.request);
  const next = page.next && [page.next.value, page.next.seq];
  setNext(reply, run.path, run.linkPairs, { scope: run.scope, defining: parsed.defining }, next);
  void reply.type(eventContentType(request.headers.accept));
  return queryDocument(run.queryName, page.events);
}
