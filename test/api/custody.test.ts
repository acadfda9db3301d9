import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, WaybillError } from '../../services/common/index.js';
import { capture, expectProblem, type Harness, harness, OTHER } from './support.js';

const SGTIN = 'urn:epc:id:sgtin:0614141.107346.2017';
const OBJECT = {
  id: 'https://id.gs1.org/01/10614141073464/21/2017',
  owner: 'greenfield-farms',
  custodian: 'valley-packers',
  status: 'in_transit' as const,
  flags: ['recalled'],
  consignee: 'freshmart',
  lastEventID: 'urn:uuid:1',
};

describe('GET /objects/{id}', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    h.node.objects.set(SGTIN, OBJECT);
  });

  it('serves the custody state to any member with a read token', async () => {
    const token = await h.token({ org: OTHER, roles: ['events:read'] });
    const res = await h.call({ method: 'GET', url: `/objects/${encodeURIComponent(SGTIN)}`, token });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(OBJECT);
  });

  it('adds a state proof under its canonical key when asked, and passes NOT_READY on', async () => {
    const token = await h.token();
    const asked: string[] = [];
    const block = {
      hash: 'aa'.repeat(32),
      header: { network: 'n', height: 2, txRoot: 'bb'.repeat(32), txCount: 0, timestamp: 1 },
      certificate: { height: 2, round: 0, blockHash: 'aa'.repeat(32), signatures: [] },
    };
    const proof = {
      format: 'waybill-proof/v1' as const,
      kind: 'state' as const,
      network: 'n',
      block,
      entry: { key: `object:${OBJECT.id}`, value: OBJECT },
      bucket: { index: 7, entries: [] },
      path: Array.from({ length: 16 }, () => 'cc'.repeat(32)),
    };
    h.node.proofState = (key) => {
      asked.push(key);
      return proof;
    };
    const url = `/objects/${encodeURIComponent(SGTIN)}`;
    expect((await h.call({ method: 'GET', url, token })).json()).not.toHaveProperty('proof');
    const res = await h.call({ method: 'GET', url: `${url}?proof=true`, token });
    expect(res.json()).toEqual({ ...OBJECT, proof });
    expect(asked).toEqual([`object:${OBJECT.id}`]);
    h.node.proofState = () => {
      throw new WaybillError(ErrorCode.NotReady, 'not yet certified', { retryAfterSeconds: 1 });
    };
    expectProblem(await h.call({ method: 'GET', url: `${url}?proof=true`, token }), 503, 'NOT_READY');
  });

  it('answers 404 for an object nobody commissioned, 400 for a non-URI and 401 without a token', async () => {
    const token = await h.token();
    const unknown = encodeURIComponent('urn:epc:id:sgtin:0614141.107346.1');
    expectProblem(await h.call({ method: 'GET', url: `/objects/${unknown}`, token }), 404, 'NOT_FOUND');
    expectProblem(await h.call({ method: 'GET', url: '/objects/not%20a%20uri', token }), 400, 'BAD_REQUEST');
    expectProblem(await h.call({ method: 'GET', url: `/objects/${unknown}` }), 401, 'UNAUTHORIZED');
  });
});

describe('POST /capture?dryRun=true', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  it('answers the verdicts with 200 and submits nothing', async () => {
    h.node.dryRun = () => ({
      dryRun: true,
      success: false,
      events: [{ eventID: 'e1', status: 'rejected', reason: { code: 'CUSTODY_NOT_HELD', message: 'no' } }],
      errors: [{ eventID: 'e1', code: 'CUSTODY_NOT_HELD', message: 'no' }],
    });
    const req = capture(await h.token(), undefined, { 'gs1-capture-error-behaviour': 'proceed' });
    const res = await h.call({ ...req, url: '/capture?dryRun=true' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: true, success: false, events: [{ status: 'rejected' }] });
    expect(h.node.submits).toHaveLength(0);
  });

  it('captures as usual with dryRun=false and refuses a value that is not a boolean', async () => {
    const token = await h.token();
    expect((await h.call({ ...capture(token), url: '/capture?dryRun=false' })).statusCode).toBe(202);
    expectProblem(
      await h.call({ ...capture(token), url: '/capture?dryRun=perhaps' }),
      400,
      'QUERY_PARAMETER_INVALID',
    );
  });
});

describe('rule-set governance routes', () => {
  let h: Harness;
  const files = [{ name: 'custody.yaml', text: 'rules: []\n' }];
  beforeEach(async () => {
    h = await harness();
  });

  it('lets only this org’s admins propose and approve', async () => {
    const admin = await h.token({ roles: ['admin'] });
    const writer = await h.token({ roles: ['events:write'] });
    const foreignAdmin = await h.token({ org: OTHER, roles: ['admin'] });
    const propose = (token: string) =>
      h.call({ method: 'POST', url: '/governance/rules', token, payload: { files } });
    expectProblem(await propose(writer), 403, 'FORBIDDEN');
    expectProblem(await propose(foreignAdmin), 403, 'FORBIDDEN');
    const res = await propose(admin);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ txId: 'tx-propose', hash: 'ab'.repeat(32) });
    expect(h.node.proposals).toEqual([files]);
  });

  it('validates proposals and approvals', async () => {
    const admin = await h.token({ roles: ['admin'] });
    const bad = await h.call({
      method: 'POST',
      url: '/governance/rules',
      token: admin,
      payload: { files: [{ name: '../etc/passwd', text: '' }] },
    });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    const approve = (hash: string) =>
      h.call({ method: 'POST', url: `/governance/rules/${hash}/approvals`, token: admin });
    expectProblem(await approve('not-a-hash'), 400, 'VALIDATION_FAILED');
    expectProblem(await approve('cd'.repeat(32)), 404, 'NOT_FOUND');
    h.node.ruleSets = [
      {
        hash: 'cd'.repeat(32),
        proposer: OTHER,
        proposedHeight: 3,
        approvals: [OTHER],
        activationHeight: null,
        active: false,
      },
    ];
    expect((await approve('cd'.repeat(32))).statusCode).toBe(202);
  });

  it('lists the rule sets to readers', async () => {
    const token = await h.token({ roles: ['events:read'] });
    const res = await h.call({ method: 'GET', url: '/governance/rules', token });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ quorum: 3, ruleSets: [] });
  });
});

describe('GET /alerts', () => {
  it('pages the cold-chain alerts, oldest first, after a seq', async () => {
    const h = await harness();
    for (let seq = 0; seq < 3; seq++) {
      h.node.alerts.push({
        seq,
        type: 'temperature_excursion',
        object: OBJECT.id,
        eventID: `e${seq}`,
        value: 9.5,
        min: 0,
        max: 5,
      });
    }
    const token = await h.token({ org: OTHER, roles: ['events:read'] });
    const first = await h.call({ method: 'GET', url: '/alerts?perPage=2', token });
    expect(first.statusCode).toBe(200);
    expect((first.json() as { alerts: { seq: number }[] }).alerts.map((a) => a.seq)).toEqual([0, 1]);
    const rest = await h.call({ method: 'GET', url: '/alerts?after=1', token });
    expect((rest.json() as { alerts: { seq: number }[] }).alerts.map((a) => a.seq)).toEqual([2]);
    expectProblem(
      await h.call({ method: 'GET', url: '/alerts?perPage=0', token }),
      400,
      'QUERY_PARAMETER_INVALID',
    );
    expectProblem(await h.call({ method: 'GET', url: '/alerts' }), 401, 'UNAUTHORIZED');
  });
});
