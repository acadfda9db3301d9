import type { Transaction } from '../ledger/index.js';
import type {
  EventIndex,
  EventPage,
  EventPageRequest,
  ListCursor,
  NamedQueries,
  RejectionRow,
  Subscriptions,
  VocabularyKind,
} from '../storage/index.js';
import { type CaptureJob, listedJob, runningJobs } from './capture-jobs.js';
import { DEFAULT_TRACE_LIMITS, type TraceDirection, type TraceResult, traceObject } from './trace.js';
import { type Access, Visibility } from './visibility.js';

/** A capture job with its place in the newest-first list. */
export interface ListedCaptureJob extends CaptureJob {
  cursor?: ListCursor;
}

/**
 * Bytes of stored event JSON one page of a query may hold (4 MiB): perPage=1000 of large events
 * would otherwise hold gigabytes in memory; the page is cut and nextPageToken continues exactly.
 */
export const PAGE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * What the HTTP layer reads from the event index (ApiDeps.query). Every read names the member it
 * answers (`org`, the caller's): it sees only what that member may see (visibility.ts), counted and
 * paged in SQL, never filtered afterwards.
 */
export interface QueryBackend {
  /** Events `org` receives (the filter's visibleTo is set to it). */
  events(org: string, req: EventPageRequest): EventPage;
  /** The byte budget of one page of events a client asked for (EventPageRequest.maxBytes). */
  pageMaxBytes: number;
  /** Distinct values of a vocabulary the events `org` receives use (GET /bizSteps, /epcs, ...). */
  vocabulary(org: string, kind: VocabularyKind, limit: number, after: string): string[];
  /** The trace as `org` may see it; undefined when no event it may see names the object (canonical key). */
  trace(org: string, id: string, direction: TraceDirection): TraceResult | undefined;
  /** `org`'s access to a committed event: full, its public view, or none (404 as if unknown). */
  eventAccess(org: string, eventID: string): Access;
  /** `org`'s access to an object's custody state (canonical key). */
  objectAccess(org: string, key: string): Access;
  /** `org`'s rejected events, newest first; `limit` rows after `after`. */
  rejections(org: string, code: string | undefined, limit: number, after?: ListCursor): RejectionRow[];
  /** `org`'s committed capture jobs, newest first. */
  captureJobs(org: string, limit: number, after?: ListCursor): ListedCaptureJob[];
  /** `org`'s captures still waiting for a block, newest first. */
  runningCaptureJobs(org: string): CaptureJob[];
  /** Named queries; a write resolves once it is stored (see `WriteGate`). */
  namedQueries: Pick<NamedQueries, 'get' | 'list'> & Written<NamedQueries, 'add' | 'remove'>;
  /** Webhook subscriptions to named queries (node-local, like them). */
  subscriptions: Pick<Subscriptions, 'get' | 'list'> & Written<Subscriptions, 'add' | 'remove'>;
}

/**
 * Runs a write on this connection when no block is being written by another (Store.whenNoBlockWrite):
 * a write that met the block writer thread's lock would block the event loop for SQLite's busy
 * timeout and then fail with SQLITE_BUSY, a 500, under exactly the load that makes blocks long.
 */
export type WriteGate = <T>(write: () => T) => Promise<T>;

/** `K` of `T`, each answering a promise of what it returned, once the gate let it write. */
type Written<T, K extends keyof T> = {
  [M in K]: T[M] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;
};

/** The node's query backend over its store's index and (for running jobs) its mempool. */
export function queryBackend(
  index: EventIndex,
  pending: () => Transaction[] = () => [],
  pageMaxBytes = PAGE_MAX_BYTES,
  gate: WriteGate = async (write) => write(),
): QueryBackend {
  const { namedQueries: named, subscriptions: subs } = index;
  const { reader } = index;
  const visibility = new Visibility(reader, DEFAULT_TRACE_LIMITS);
  return {
    events: (org, req) => reader.events({ ...req, filter: { ...req.filter, visibleTo: org } }),
    pageMaxBytes,
    vocabulary: (org, kind, limit, after) => reader.vocabulary(org, kind, limit, after),
    trace: (org, id, direction) => {
      const result = traceObject(reader, id, direction, DEFAULT_TRACE_LIMITS);
      return result && visibility.trace(org, result, id, direction);
    },
    eventAccess: (org, eventID) => visibility.event(org, eventID),
    objectAccess: (org, key) => visibility.object(org, key),
    rejections: (org, code, limit, after) => reader.rejections(org, code, limit, after),
    captureJobs: (org, limit, after) =>
      reader
        .captures(org, limit, after)
        .map((r) => ({ ...listedJob(r), cursor: { height: r.blockHeight, seq: r.idx } })),
    runningCaptureJobs: (org) => runningJobs(pending().filter((tx) => tx.body.org === org)),
    namedQueries: {
      get: (name) => named.get(name),
      list: (limit, after) => named.list(limit, after),
      add: (query) => gate(() => named.add(query)),
      remove: (name) => gate(() => named.remove(name)),
    },
    subscriptions: {
      get: (queryName, id) => subs.get(queryName, id),
      list: (queryName, org, limit, after) => subs.list(queryName, org, limit, after),
      add: (sub) => gate(() => subs.add(sub)),
      remove: (queryName, id) => gate(() => subs.remove(queryName, id)),
    },
  };
}
