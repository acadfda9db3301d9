import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateIssuerKey, issueToken, type PrivateJwk, TokenVerifier } from '../../services/api/tokens.js';
import type { PublicJwk } from '../../services/config/genesis.js';
import { NETWORK, ORG } from './support.js';

describe('issuer keys and tokens', () => {
  let privateJwk: PrivateJwk;
  let publicJwk: PublicJwk;
  beforeAll(async () => {
    ({ privateJwk, publicJwk } = await generateIssuerKey(ORG));
  });

  it('generates an Ed25519 issuer key pair with kid = org and no private part in the public key', () => {
    expect(privateJwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.any(String),
      d: expect.any(String),
      kid: ORG,
    });
    expect(publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: privateJwk.x, kid: ORG });
  });

  it('issues an EdDSA token with the claims the API verifies', async () => {
    const token = await issueToken({
      privateJwk,
      org: ORG,
      network: NETWORK,
      sub: 'erp',
      roles: ['events:write'],
      ttlSeconds: 60,
    });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: ORG });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: ORG, aud: NETWORK, sub: 'erp', roles: ['events:write'] });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(60);

    const verifier = new TokenVerifier({ issuers: new Map([[ORG, publicJwk]]), audience: NETWORK });
    expect(await verifier.verify(token)).toEqual({ org: ORG, sub: 'erp', roles: ['events:write'] });
  });

  it('refuses a ttl that is not a positive integer', async () => {
    for (const ttlSeconds of [0, -5, 1.5]) {
      await expect(
        issueToken({ privateJwk, org: ORG, network: NETWORK, sub: 'erp', roles: ['admin'], ttlSeconds }),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });
});
