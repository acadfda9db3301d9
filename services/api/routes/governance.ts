import type { FastifyInstance } from 'fastify';
import type { AuthHooks } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';

type ApproveParams = Operations['approveRuleSet']['parameters']['path'];
type ProposeBody = Schemas['RuleSetProposal'];

const proposeSchema = {
  body: {
    type: 'object',
    required: ['files'],
    additionalProperties: false,
    properties: {
      files: {
        type: 'array',
        minItems: 1,
        maxItems: 64,
        items: {
          type: 'object',
          required: ['name', 'text'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', pattern: '^[A-Za-z0-9._-]+\\.ya?ml$' },
            text: { type: 'string', maxLength: 262_144 },
          },
        },
      },
    },
  },
};
const approveSchema = {
  params: { type: 'object', properties: { hash: { type: 'string', pattern: '^[0-9a-f]{64}$' } } },
};

/** Rule-set governance: members propose and approve custody rule versions (execution/governance.ts). */
export function governanceRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.get(
    '/governance/rules',
    { onRequest: auth.read },
    async (): Promise<Schemas['RuleSetList']> => deps.governance.list(),
  );

  app.post<{ Body: ProposeBody }>(
    '/governance/rules',
    { onRequest: auth.admin, schema: proposeSchema },
    async (request, reply): Promise<Schemas['GovernanceAccepted']> => {
      const accepted = await deps.governance.propose(request.body.files);
      void reply.code(202);
      return accepted;
    },
  );

  app.post<{ Params: ApproveParams }>(
    '/governance/rules/:hash/approvals',
    { onRequest: auth.admin, schema: approveSchema },
    async (request, reply): Promise<Schemas['GovernanceAccepted']> => {
      const accepted = await deps.governance.approve(request.params.hash);
      void reply.code(202);
      return accepted;
    },
  );
}
