import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import { type AuthHooks, principalOf } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import { specSchema } from '../spec-schema.js';
import type { ApiDeps } from '../types.js';
import { eventAccess, noEvent } from './visible.js';

type ProofParams = Operations['getEventProof']['parameters']['path'];
type ProofQuery = NonNullable<Operations['getEventProof']['parameters']['query']>;
type BlockParams = Operations['getBlock']['parameters']['path'];

// Fastify's ajv coerces the path segment to an integer and answers VALIDATION_FAILED otherwise.

/** Proofs an auditor verifies offline (docs/proofs.md), and the blocks to cross-check them against. */
export function proofRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.get<{ Params: ProofParams; Querystring: ProofQuery }>(
    '/events/:eventID/proof',
    { onRequest: auth.read },
    async (request): Promise<Schemas['EventProof'] | Schemas['VerdictProof']> => {
      const { eventID } = request.params;
      // `disclose` may be given once as a comma list or repeated (the router then hands an array).
      const given: unknown = request.query.disclose;
      const lists = Array.isArray(given) ? given.map(String) : [typeof given === 'string' ? given : ''];
      const disclose = lists.flatMap((l) => l.split(',')).filter((p) => p.length > 0);
      // A proof names its event: one the caller may not see is answered as an unknown id.
      const access = eventAccess(deps, principalOf(request).org, eventID);
      if (access === 'none') throw noEvent('no committed event or verdict with this eventID');
      // Sealed fields are disclosed by the event's recipients only: a member that sees the event
      // through its lineage gets the answer of a node that holds none of them, wherever it asks.
      if (access !== 'full' && disclose.length > 0)
        throw new WaybillError(
          ErrorCode.SealedNotHeld,
          "this event's sealed fields are disclosed to its recipients only; your organisation sees its public view",
        );
      const proof = deps.proofs.event(eventID, disclose);
      if (!proof) throw noEvent('no committed event or verdict with this eventID');
      return proof;
    },
  );

  app.get<{ Params: BlockParams }>(
    '/blocks/:height',
    { onRequest: auth.read, schema: specSchema('getBlock') },
    async (request): Promise<Schemas['BlockSummary']> => {
      const block = deps.proofs.block(request.params.height);
      if (!block)
        throw new WaybillError(ErrorCode.NotFound, `no committed block at height ${request.params.height}`);
      return block;
    },
  );
}
