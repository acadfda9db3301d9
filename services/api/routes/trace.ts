import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import {
  FSMA_COLUMNS,
  fsmaRows,
  identifierKey,
  queryPairs,
  queryParameterError,
  type TraceDirection,
  type TraceResult,
  toCsv,
  withNodeState,
} from '../../query/index.js';
import { type AuthHooks, principalOf } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';
import { rawSearch } from './query-support.js';

type TraceParams = Operations['traceObject']['parameters']['path'];
type TraceRequest = { Params: TraceParams };

const DIRECTIONS: readonly TraceDirection[] = ['backward', 'forward', 'both'];

/**
 * The trace of the object in the path as the caller's org may see it, or a 400 (bad id or
 * direction) or 404 (no event it may see names the object: the same answer as an unknown object).
 */
function traceOf(deps: ApiDeps, org: string, id: string, pairs: Array<[string, string]>): TraceResult {
  const key = identifierKey(id);
  if (key === undefined) throw queryParameterError('id', `'${id}' is not a valid identifier`);
  const direction = pairs.find(([n]) => n === 'direction')?.[1] ?? 'both';
  if (!DIRECTIONS.includes(direction as TraceDirection))
    throw queryParameterError('direction', 'must be backward, forward or both');
  const result = deps.query.trace(org, key, direction as TraceDirection);
  if (!result) throw new WaybillError(ErrorCode.NotFound, 'no committed event names this object');
  return result;
}

/** The auditor's view: provenance across aggregation and transformation, and the FSMA 204 sheet. */
export function traceRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.get<TraceRequest>(
    '/objects/:id/trace',
    { onRequest: auth.read },
    async (request): Promise<Schemas['Trace']> => {
      const pairs = queryPairs(rawSearch(request), ['direction', 'proofs']);
      const trace = withNodeState(
        traceOf(deps, principalOf(request).org, request.params.id, pairs).trace,
        deps.objects.get,
      );
      const proofs = pairs.find(([n]) => n === 'proofs')?.[1] ?? 'false';
      if (proofs !== 'true' && proofs !== 'false')
        throw queryParameterError('proofs', 'must be true or false');
      return proofs === 'true' ? { ...trace, proofs: proofsOf(deps, trace) } : trace;
    },
  );

  app.get<TraceRequest>('/objects/:id/trace.csv', { onRequest: auth.read }, async (request, reply) => {
    const pairs = queryPairs(rawSearch(request), ['direction']);
    const { trace, events } = traceOf(deps, principalOf(request).org, request.params.id, pairs);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="trace.csv"')
      .send(toCsv([FSMA_COLUMNS, ...fsmaRows(trace, events)]));
  });
}

/** A proof (docs/proofs.md) for every event the trace lists, in the custody chain's order. */
function proofsOf(deps: ApiDeps, trace: Schemas['Trace']): Schemas['EventProof'][] {
  const proofs: Schemas['EventProof'][] = [];
  for (const step of trace.custody) {
    const proof = deps.proofs.event(step.eventID);
    if (proof?.kind === 'event') proofs.push(proof);
  }
  return proofs;
}
