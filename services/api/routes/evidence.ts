import type { FastifyInstance } from 'fastify';
import type { AuthHooks } from '../auth.js';
import type { Operations } from '../openapi.js';
import type { ApiDeps } from '../types.js';

type EvidenceList = Operations['listEvidence']['responses']['200']['content']['application/json'];

/** Committed proof that a member signed two conflicting consensus messages. */
export function evidenceRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.get(
    '/evidence',
    { onRequest: auth.read },
    async (): Promise<EvidenceList> => ({ evidence: deps.evidence.list() }),
  );
}
