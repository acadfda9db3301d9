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

/** A capture job with its place in the newest-first list. */
export interface ListedCaptureJob extends CaptureJob {
  cursor?: ListCursor;
}

/** What the HTTP layer reads from the event index (ApiDeps.query). */
/**
 * Bytes of stored event JSON one page of a query may hold (4 MiB): perPage=1000 of large events
 * would otherwise hold gigabytes in memory; the page is cut and nextPageToken continues exactly.
 */
export const PAGE_MAX_BYTES = 4 * 1024 * 1024;

export interface QueryBackend {
  events(req: EventPageRequest): EventPage;
  /** The byte budget of one page of events a client asked for (EventPageRequest.maxBytes). */
  pageMaxBytes: number;
  /** Distinct values of a vocabulary the committed events use (GET /bizSteps, /epcs, ...). */
  vocabulary(kind: VocabularyKind, limit: number, after: string): string[];
  /** Undefined when no committed event names the object (canonical key). */
  trace(id: string, direction: TraceDirection): TraceResult | undefined;
  /** Newest first; `limit` rows after `after`. */
  rejections(code: string | undefined, limit: number, after?: ListCursor): RejectionRow[];
  /** Committed capture jobs, newest first. */
  captureJobs(limit: number, after?: ListCursor): ListedCaptureJob[];
  /** Captures still waiting for a block, newest first. */
  runningCaptureJobs(): CaptureJob[];
  namedQueries: Pick<NamedQueries, 'add' | 'get' | 'list' | 'remove'>;
  /** Webhook subscriptions to named queries (node-local, like them). */
  subscriptions: Pick<Subscriptions, 'add' | 'get' | 'list' | 'remove'>;
}

/** The node's query backend over its store's index and (for running jobs) its mempool. */
export function queryBackend(
  index: EventIndex,
  pending: () => Transaction[] = () => [],
  pageMaxBytes = PAGE_MAX_BYTES,
): QueryBackend {
  const { reader } = index;
  return {
    events: (req) => reader.events(req),
    pageMaxBytes,
    vocabulary: (kind, limit, after) => reader.vocabulary(kind, limit, after),
    trace: (id, direction) => traceObject(reader, id, direction, DEFAULT_TRACE_LIMITS),
    rejections: (code, limit, after) => reader.rejections(code, limit, after),
    captureJobs: (limit, after) =>
      reader
        .captures(limit, after)
        .map((r) => ({ ...listedJob(r), cursor: { height: r.blockHeight, seq: r.idx } })),
    runningCaptureJobs: () => runningJobs(pending()),
    namedQueries: index.namedQueries,
    subscriptions: index.subscriptions,
  };
}
