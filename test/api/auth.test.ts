import { beforeAll, describe, expect, it } from 'vitest';
import { capture, expectProblem, type Harness, harness, ORG, OTHER, OUTSIDER } from './support.js';

function expectUnauthorized(res: Awaited<ReturnType<Harness['call']>>): void {
  expectProblem(res, 401, 'UNAUTHORIZED');
  expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
}

describe('authentication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it('rejects a missing token with 401 and WWW-Authenticate: Bearer', async () => {
    expectUnauthorized(await h.call(capture(undefined)));
    expectUnauthorized(await h.call({ url: '/capture/c0ffee' }));
  });

  it('rejects a garbled token, and a non-Bearer scheme', async () => {
    expectUnauthorized(await h.call(capture('not.a.jwt')));
    expectUnauthorized(
      await h.call({ ...capture(undefined), headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
    );
  });

  it('rejects an expired token', async () => {
    const res = await h.call(capture(await h.token({ expiresIn: -10 })));
    expectUnauthorized(res);
    expect(res.json().detail).toMatch(/expired/);
  });

  it('rejects a token signed by a key that is not a member issuer', async () => {
    expectUnauthorized(await h.call(capture(await h.token({ org: OUTSIDER }))));
    // Claims a member as issuer but is signed with another key.
    expectUnauthorized(await h.call(capture(await h.token({ org: ORG, key: h.keys[OUTSIDER] }))));
  });

  it('rejects a token for another network', async () => {
    expectUnauthorized(await h.call(capture(await h.token({ aud: 'some-other-network' }))));
  });

  it('rejects a token with a tampered payload', async () => {
    const [header, , signature] = (await h.token({ roles: ['events:read'] })).split('.');
    const payload = Buffer.from(
      JSON.stringify({ iss: ORG, aud: 'waybill-test', sub: 'x', roles: ['admin'] }),
    );
    expectUnauthorized(await h.call(capture(`${header}.${payload.toString('base64url')}.${signature}`)));
  });

  it('authenticates before parsing, so anonymous malformed bodies get 401', async () => {
    expectUnauthorized(await h.call(capture(undefined, '{"type":')));
  });
});

describe('authorization', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it("forbids another member org's valid token to capture here", async () => {
    const res = await h.call(capture(await h.token({ org: OTHER, roles: ['events:write'] })));
    expect(expectProblem(res, 403, 'FORBIDDEN').detail).toMatch(/greenfield-farms/);
    expect(h.node.submits).toHaveLength(0);
  });

  it('forbids capture with only events:read', async () => {
    expectProblem(await h.call(capture(await h.token({ roles: ['events:read'] }))), 403, 'FORBIDDEN');
  });

  it('forbids reads to a token without any known role', async () => {
    const token = await h.token({ roles: ['billing'] });
    expectProblem(await h.call({ url: '/events/x', token }), 403, 'FORBIDDEN');
  });

  it('lets events:write and admin tokens of any member read', async () => {
    h.node.statuses.set('x', {
      eventID: 'x',
      status: 'pending',
      blockHeight: null,
      blockHash: null,
      txId: 't',
      org: ORG,
      submitter: 's',
    });
    for (const [org, roles] of [
      [ORG, ['events:write']],
      [OTHER, ['admin']],
      [OTHER, ['events:read']],
    ] as const) {
      const res = await h.call({ url: '/events/x/status', token: await h.token({ org, roles }) });
      expect(res.statusCode, `${org} ${roles}`).toBe(200);
    }
  });
});
