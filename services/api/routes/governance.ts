import type { FastifyInstance } from 'fastify';
import type { AuthHooks } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import { specSchema } from '../spec-schema.js';
import type { ApiDeps } from '../types.js';

type ApproveParams = Operations['approveRuleSet']['parameters']['path'];
type MemberChangeBody = Schemas['MemberChangeProposal'];
type GrantBody = Schemas['AuditorGrant'];
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

  memberRoutes(app, deps, auth);
}

/** Member and grant governance: the same proposal/approval path as rule sets. */
function memberRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  const accepted =
    <T>(run: (request: T) => Promise<Schemas['GovernanceAccepted']>) =>
    async (request: T, reply: { code(n: number): unknown }): Promise<Schemas['GovernanceAccepted']> => {
      const answer = await run(request);
      void reply.code(202);
      return answer;
    };
  app.get('/governance/members', { onRequest: auth.read }, async () => deps.membership.members());
  app.post<{ Body: MemberChangeBody }>(
    '/governance/members',
    { onRequest: auth.admin, schema: specSchema('proposeMemberChange') },
    accepted((request: { body: MemberChangeBody }) => deps.membership.proposeMember(request.body)),
  );
  app.post<{ Params: ApproveParams }>(
    '/governance/members/:hash/approvals',
    { onRequest: auth.admin, schema: specSchema('approveMemberChange') },
    accepted((request: { params: ApproveParams }) => deps.membership.approve('member', request.params.hash)),
  );
  app.get('/governance/grants', { onRequest: auth.read }, async () => deps.membership.grants());
  app.post<{ Body: GrantBody }>(
    '/governance/grants',
    { onRequest: auth.admin, schema: specSchema('proposeGrant') },
    accepted((request: { body: GrantBody }) => deps.membership.proposeGrant(request.body)),
  );
  app.post<{ Params: ApproveParams }>(
    '/governance/grants/:hash/approvals',
    { onRequest: auth.admin, schema: specSchema('approveGrant') },
    accepted((request: { params: ApproveParams }) => deps.membership.approve('grant', request.params.hash)),
  );
}
