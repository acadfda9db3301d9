import type { FastifyInstance } from 'fastify';
import { decodePageToken, perPageOf, queryPairs, queryParameterError } from '../../query/index.js';
import type { ListCursor } from '../../storage/index.js';
import { type AuthHooks, principalOf } from '../auth.js';
import type { Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';
import { presentJob } from './capture-job.js';
import { rawSearch, setNext } from './query-support.js';

const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** perPage and nextPageToken of a newest-first list, the token bound to `scope`, `org` and `defining`. */
function paging(search: string, names: string[], scope: string, org: string) {
  const pairs = queryPairs(search, [...names, 'perPage', 'nextPageToken']);
  const get = (n: string) => pairs.find(([k]) => k === n)?.[1];
  const defining = pairs.filter(([n]) => names.includes(n));
  const binding = { scope, org, defining };
  const token = get('nextPageToken');
  let after: ListCursor | undefined;
  if (token !== undefined) {
    const [height = 0, seq = 0] = decodePageToken(token, binding, ['integer', 'integer']) as number[];
    after = { height, seq };
  }
  return { pairs, get, binding, after, limit: perPageOf(get('perPage')) };
}

/**
 * What the ledger decided about captures: jobs and rejected events. Each member lists its own
 * captures only (a rejected event has no recipients but its capturer).
 */
export function auditRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.get(
    '/capture',
    { onRequest: auth.read },
    async (request, reply): Promise<Schemas['CaptureJobList']> => {
      const { org } = principalOf(request);
      const { pairs, binding, after, limit } = paging(rawSearch(request), [], '/capture', org);
      const committed = deps.query.captureJobs(org, limit + 1, after);
      const page = committed.slice(0, limit);
      const last = page[page.length - 1]?.cursor;
      setNext(
        reply,
        '/capture',
        pairs,
        binding,
        committed.length > limit && last ? [last.height, last.seq] : undefined,
      );
      const running = after ? [] : deps.query.runningCaptureJobs(org);
      // GS1 declares the list as a bare array of capture jobs.
      return [...running, ...page.map(({ cursor: _, ...job }) => job)].map(presentJob);
    },
  );

  app.get(
    '/rejections',
    { onRequest: auth.read },
    async (request, reply): Promise<Schemas['RejectionList']> => {
      const { org } = principalOf(request);
      const { pairs, get, binding, after, limit } = paging(rawSearch(request), ['code'], '/rejections', org);
      const code = get('code');
      if (code !== undefined && !CODE.test(code)) throw queryParameterError('code', 'not a reason code');
      const rows = deps.query.rejections(org, code, limit + 1, after);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      setNext(
        reply,
        '/rejections',
        pairs,
        binding,
        rows.length > limit && last ? [last.blockHeight, last.seq] : undefined,
      );
      return { rejections: page.map(({ seq: _, ...r }) => r) };
    },
  );
}
