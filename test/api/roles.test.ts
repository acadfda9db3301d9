import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DOCUMENT, type Harness, harness, ORG, OTHER } from './support.js';

// Which roles may call which operation. Every operation that needs a token must be listed here, so
// a new route cannot ship without a decision.
const ACCESS: Record<string, 'read' | 'write' | 'admin'> = {
  captureDocument: 'write',
  captureEvent: 'write',
  listCaptureJobs: 'read',
  getCaptureJob: 'read',
  queryEvents: 'read',
  releaseNextPageToken: 'read',
  getEvent: 'read',
  getEventStatus: 'read',
  getEventProof: 'read',
  getBlock: 'read',
  getObject: 'read',
  traceObject: 'read',
  traceObjectCsv: 'read',
  listEventTypes: 'read',
  eventsByEpc: 'read',
  eventsByBizStep: 'read',
  eventsByBizLocation: 'read',
  eventsByReadPoint: 'read',
  eventsByDisposition: 'read',
  eventsByEventType: 'read',
  getEventType: 'read',
  listTopLevelResources: 'read',
  listEpcs: 'read',
  getEpc: 'read',
  listBizSteps: 'read',
  getBizStep: 'read',
  listBizLocations: 'read',
  getBizLocation: 'read',
  listReadPoints: 'read',
  getReadPoint: 'read',
  listDispositions: 'read',
  getDisposition: 'read',
  listNamedQueries: 'read',
  getNamedQuery: 'read',
  namedQueryEvents: 'read',
  createNamedQuery: 'write',
  deleteNamedQuery: 'write',
  listSubscriptions: 'read',
  getSubscription: 'read',
  createSubscription: 'write',
  unsubscribe: 'write',
  listRejections: 'read',
  listEvidence: 'read',
  listRuleSets: 'read',
  listAlerts: 'read',
  proposeRuleSet: 'admin',
  backupLedger: 'admin',
  approveRuleSet: 'admin',
  listMembers: 'read',
  listGrants: 'read',
  proposeMemberChange: 'admin',
  approveMemberChange: 'admin',
  proposeGrant: 'admin',
  approveGrant: 'admin',
};

type Doc = { paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>> };
const doc = parse(readFileSync(new URL('../../api/openapi.yaml', import.meta.url), 'utf8')) as Doc;
const secured = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods)
    .filter(([, op]) => op.security === undefined)
    .map(([method, op]) => ({ path, method: method.toUpperCase() as 'GET' | 'POST', id: op.operationId })),
);

/** [org, roles, may read, may write here, may administer here] */
const TOKENS: Array<[string, string[], boolean, boolean, boolean]> = [
  [ORG, ['events:read'], true, false, false],
  [ORG, ['events:write'], true, true, false],
  [ORG, ['admin'], true, true, true],
  [ORG, ['billing'], false, false, false],
  [ORG, [], false, false, false],
  [OTHER, ['events:read'], true, false, false],
  [OTHER, ['events:write'], true, false, false],
  [OTHER, ['admin'], true, false, false],
];

describe('roles on every secured operation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it('lists every operation that needs a token', () => {
    expect(secured.map((o) => o.id).sort()).toEqual(Object.keys(ACCESS).sort());
  });

  it.each(TOKENS)(
    '%s %j: read %s, write %s, administer %s',
    async (org, roles, mayRead, mayWrite, mayAdmin) => {
      const token = await h.token({ org, roles });
      for (const { path, method, id } of secured) {
        const allowed = { read: mayRead, write: mayWrite, admin: mayAdmin }[ACCESS[id] ?? 'admin'];
        const res = await h.call({
          method,
          url: path.replace(/\{\w+\}/g, 'x'),
          token,
          ...(method === 'POST'
            ? { headers: { 'content-type': 'application/ld+json' }, payload: JSON.stringify(DOCUMENT) }
            : {}),
        });
        expect(res.statusCode, `${method} ${path}: ${res.body}`).toBe(allowed ? res.statusCode : 403);
        if (allowed) expect([401, 403], `${method} ${path}`).not.toContain(res.statusCode);
      }
    },
  );
});
