import type { FastifyInstance } from 'fastify';
import type { AuthHooks } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import { specSchema } from '../spec-schema.js';
import type { ApiDeps } from '../types.js';

type ApproveParams = Operations['approveRuleSet']['parameters']['path'];
type ProposeBody = Schemas['RuleSetProposal'];

/** Rule-set governance: members propose and approve custody rule versions (execution/governance.ts). */
export function governanceRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.get(
    '/governance/rules',
    { onRequest: auth.read },
    async (): Promise<Schemas['RuleSetList']> => deps.governance.list(),
  );

  app.post<{ Body: ProposeBody }>(
    '/governance/rules',
    { onRequest: auth.admin, schema: specSchema('proposeRuleSet') },
    async (request, reply): Promise<Schemas['GovernanceAccepted']> => {
      const accepted = await deps.governance.propose(request.body.files);
      void reply.code(202);
      return accepted;
    },
  );

  app.post<{ Params: ApproveParams }>(
    '/governance/rules/:hash/approvals',
    { onRequest: auth.admin, schema: specSchema('approveRuleSet') },
    async (request, reply): Promise<Schemas['GovernanceAccepted']> => {
      const accepted = await deps.governance.approve(request.params.hash);
      void reply.code(202);
      return accepted;
    },
  );
}
