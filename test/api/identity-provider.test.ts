import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../services/api/index.js';
import type { IdentityProvider, PublicJwk } from '../../services/config/index.js';
import {
  type IdpTokenClaims,
  JwksServer,
  type SigningKey,
  signIdpToken,
  signingKey,
} from '../support/jwks.js';
import { freePorts } from '../support/ports.js';
import { checkResponse } from './response-contract.js';
import { capture, expectProblem, FakeNode, makeKeys, mint, NETWORK, ORG, OTHER } from './support.js';

// External identity providers: a throwaway JWKS server on loopback stands in for each org's IdP.

const OWN_ISSUER = 'https://login.greenfield.example/realms/erp';
const OTHER_ISSUER = 'https://sso.valley-packers.example';
const SHARED_ISSUER = 'https://idp.consortium.example';
const AUDIENCE = 'waybill-api';

type IdpTokenOptions = Partial<IdpTokenClaims>;

function idpToken(key: SigningKey, o: IdpTokenOptions = {}): Promise<string> {
  return signIdpToken(key, { iss: OWN_ISSUER, aud: AUDIENCE, ...o });
}

describe('tokens from external identity providers (node.json auth.jwks)', () => {
  const idp = new JwksServer();
  let rsa: SigningKey;
  let ed: SigningKey;
  let otherKey: SigningKey;
  let sharedKey: SigningKey;
  let app: ReturnType<typeof buildApi>;
  let node: FakeNode;
  let genesisKeys: Awaited<ReturnType<typeof makeKeys>>['keys'];

  let lines: string[] = [];
  function api(providers: IdentityProvider[]) {
    node.identityProviders = providers;
    lines = [];
    return buildApi(node.deps(), {
      logger: pino({ level: 'warn' }, { write: (l: string) => lines.push(l) }),
    });
  }
  const providers = (): IdentityProvider[] => [
    { issuer: OWN_ISSUER, jwksUrl: idp.url('own'), audience: AUDIENCE, org: ORG, refreshCooldownMs: 0 },
    { issuer: OTHER_ISSUER, jwksUrl: idp.url('other'), audience: AUDIENCE, org: OTHER },
    { issuer: SHARED_ISSUER, jwksUrl: idp.url('shared'), audience: AUDIENCE, orgClaim: 'org' },
  ];

  beforeAll(async () => {
    await idp.start();
    [rsa, ed, otherKey, sharedKey] = await Promise.all([
      signingKey('rsa-1', 'RS256'),
      signingKey('ed-1', 'EdDSA'),
      signingKey('vp-1', 'RS256'),
      signingKey('c-1', 'EdDSA'),
    ]);
  });
  afterAll(() => idp.stop());
  beforeEach(async () => {
    idp.answer = 'jwks';
    idp.published.set('own', [rsa, ed]);
    idp.published.set('other', [otherKey]);
    idp.published.set('shared', [sharedKey]);
    const { keys, issuers } = await makeKeys();
    genesisKeys = keys;
    node = new FakeNode(issuers);
    app = api(providers());
  });

  const call = (req: ReturnType<typeof capture> | { url: string; token: string }) => {
    const { token, ...rest } = req;
    return app.inject({
      ...rest,
      headers: { ...('headers' in rest ? rest.headers : {}), authorization: `Bearer ${token}` },
    });
  };

  it("accepts RS256 and EdDSA tokens of the org's own IdP, acting for the org", async () => {
    const res = await call(capture(await idpToken(rsa)));
    expect(res.statusCode, res.body).toBe(202);
    expect(node.submits[0]?.ctx.submitter).toBe('sap-erp');
    expect((await call(capture(await idpToken(ed)))).statusCode).toBe(202);
  });

  it('reads roles from a roles array, a space-separated roles string or OAuth scopes', async () => {
    const scoped = await idpToken(ed, { claims: { roles: undefined, scope: 'openid events:read' } });
    expectProblem(await call({ url: '/events/x', token: scoped }), 404, 'NOT_FOUND');
    expectProblem(await call(capture(scoped)), 403, 'FORBIDDEN');
    const spaced = await idpToken(rsa, { claims: { roles: 'events:read events:write' } });
    expect((await call(capture(spaced))).statusCode).toBe(202);
    const none = await idpToken(rsa, { claims: { roles: ['erp-user'] } });
    expectProblem(await call({ url: '/events/x', token: none }), 403, 'FORBIDDEN');
  });

  it("maps another org's IdP to that org: it may read here but not write", async () => {
    const token = await idpToken(otherKey, { iss: OTHER_ISSUER });
    expectProblem(await call({ url: '/events/x', token }), 404, 'NOT_FOUND');
    const res = await call(capture(token));
    expect(expectProblem(res, 403, 'FORBIDDEN').detail).toMatch(/valley-packers/);
    expect(node.submits).toHaveLength(0);
  });

  it('takes the org from orgClaim for a shared IdP, and only member orgs', async () => {
    const own = await idpToken(sharedKey, { iss: SHARED_ISSUER, claims: { org: ORG } });
    expect((await call(capture(own))).statusCode).toBe(202);
    const other = await idpToken(sharedKey, { iss: SHARED_ISSUER, claims: { org: OTHER } });
    expectProblem(await call(capture(other)), 403, 'FORBIDDEN');
    const rogue = await idpToken(sharedKey, { iss: SHARED_ISSUER, claims: { org: 'rogue-traders' } });
    expectProblem(await call(capture(rogue)), 401, 'UNAUTHORIZED');
  });

  it('follows governance: a shared IdP acts for an org admitted later, and no longer for one removed, remembered tokens included', async () => {
    // The node's issuers are the members in force (node/api-deps.ts reads them live).
    const issuers = node.issuers as Map<string, PublicJwk>;
    const other = await idpToken(sharedKey, { iss: SHARED_ISSUER, claims: { org: OTHER } });
    expectProblem(await call({ url: '/events/x', token: other }), 404, 'NOT_FOUND');
    const otherKeyJwk = issuers.get(OTHER) as PublicJwk;
    issuers.delete(OTHER);
    expectProblem(await call({ url: '/events/x', token: other }), 401, 'UNAUTHORIZED');
    const later = await idpToken(sharedKey, { iss: SHARED_ISSUER, claims: { org: 'late-joiners' } });
    expectProblem(await call({ url: '/events/x', token: later }), 401, 'UNAUTHORIZED');
    issuers.set('late-joiners', otherKeyJwk);
    expectProblem(await call({ url: '/events/x', token: later }), 404, 'NOT_FOUND');
  });

  it("refuses tokens the IdP did not sign, unknown issuers, the wrong audience and one IdP's key used as another's", async () => {
    const stranger = await signingKey('rsa-1', 'RS256'); // same kid, another key
    for (const token of [
      await idpToken(stranger),
      await idpToken(rsa, { iss: 'https://unknown.example' }),
      await idpToken(rsa, { aud: NETWORK }),
      await idpToken(rsa, { expiresIn: -30 }),
      await idpToken(otherKey, { iss: OWN_ISSUER }),
      await idpToken(rsa, { iss: OTHER_ISSUER }),
    ]) {
      expectProblem(await call({ url: '/events/x', token }), 401, 'UNAUTHORIZED');
    }
  });

  it('picks up a rotated key (new kid) by fetching the JWKS again', async () => {
    expect((await call(capture(await idpToken(rsa)))).statusCode).toBe(202);
    const fetched = idp.fetches;
    const rotated = await signingKey('rsa-2', 'RS256');
    idp.published.set('own', [rotated]);
    expect((await call(capture(await idpToken(rotated)))).statusCode).toBe(202);
    expect(idp.fetches).toBe(fetched + 1);
    // The retired key is gone from the set: a new token signed with it is refused.
    expectProblem(
      await call(capture(await idpToken(rsa, { claims: { jti: 'after-rotation' } }))),
      401,
      'UNAUTHORIZED',
    );
  });

  it('answers 503 IDENTITY_PROVIDER_UNAVAILABLE when the JWKS cannot be fetched, and keeps serving', async () => {
    const [closedPort] = await freePorts(1);
    app = api([
      { issuer: OWN_ISSUER, jwksUrl: `http://127.0.0.1:${closedPort}/jwks`, audience: AUDIENCE, org: ORG },
    ]);
    const token = await idpToken(rsa);
    expectProblem(await call(capture(token)), 503, 'IDENTITY_PROVIDER_UNAVAILABLE');
    // The operator learns why; the log never holds the token.
    expect(lines.join('')).toMatch(/"level":40.*login\.greenfield\.example.*ECONNREFUSED/);
    expect(lines.join('')).not.toContain(token);
    for (const answer of ['error', 'garbage'] as const) {
      idp.answer = answer;
      app = api(providers());
      expectProblem(await call({ url: '/events/x', token }), 503, 'IDENTITY_PROVIDER_UNAVAILABLE');
    }
    // Member-issued tokens do not depend on any IdP.
    expectProblem(await call({ url: '/events/x', token: await mint(genesisKeys) }), 404, 'NOT_FOUND');
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('offers the console sign-in with IdPs that configure it (GET /auth/providers), and lets the console reach them', async () => {
    const signIn = {
      clientId: 'waybill-console',
      name: 'Greenfield SSO',
      scope: 'openid',
      token: 'access_token' as const,
      origins: ['https://login.greenfield.example'],
    };
    app = api([{ ...providers()[0], signIn } as IdentityProvider, ...providers().slice(1)]);
    const res = await app.inject({ url: '/auth/providers' });
    checkResponse('GET', '/auth/providers', res);
    expect(res.json()).toEqual({
      providers: [
        {
          name: 'Greenfield SSO',
          issuer: OWN_ISSUER,
          clientId: 'waybill-console',
          scope: 'openid',
          token: 'access_token',
          org: ORG,
        },
      ],
    });
    const csp = (await app.inject({ url: '/console/' })).headers['content-security-policy'];
    expect(String(csp).split('; ')).toContain("connect-src 'self' https://login.greenfield.example");
    // Without sign-in configured the console reaches no other host.
    app = api(providers());
    expect((await app.inject({ url: '/auth/providers' })).json()).toEqual({ providers: [] });
    const plain = (await app.inject({ url: '/console/' })).headers['content-security-policy'];
    expect(String(plain).split('; ')).toContain("connect-src 'self'");
  });
});
