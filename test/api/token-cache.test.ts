import { jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenVerifier } from '../../services/api/tokens.js';
import { generateIssuerKey } from '../../services/crypto/index.js';
import { expectProblem, type Harness, harness, makeKeys, mint, NETWORK, OTHER } from './support.js';

// Count real signature verifications without changing what they do.
vi.mock('jose', async (importOriginal) => {
  const jose = await importOriginal<typeof import('jose')>();
  return { ...jose, jwtVerify: vi.fn(jose.jwtVerify) };
});
const verifications = vi.mocked(jwtVerify);

describe('verified-token cache', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    verifications.mockClear();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('verifies a token once however often it is used', async () => {
    const token = await h.token();
    for (let i = 0; i < 5; i++) expect((await h.call({ url: '/capture/x', token })).statusCode).toBe(404);
    expect(verifications).toHaveBeenCalledTimes(1);
  });

  it('forgets a token when it expires', async () => {
    const token = await h.token({ expiresIn: 60 });
    expect((await h.call({ url: '/capture/x', token })).statusCode).toBe(404);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    expectProblem(await h.call({ url: '/capture/x', token }), 401, 'UNAUTHORIZED');
    expect(verifications).toHaveBeenCalledTimes(2);
  });

  it('does not remember rejected tokens', async () => {
    const token = await h.token({ aud: 'elsewhere' });
    for (let i = 0; i < 2; i++)
      expectProblem(await h.call({ url: '/capture/x', token }), 401, 'UNAUTHORIZED');
    expect(verifications).toHaveBeenCalledTimes(2);
  });

  it('stays bounded, forgetting the oldest token first', async () => {
    const { keys, issuers } = await makeKeys();
    const verifier = new TokenVerifier({ issuers, audience: NETWORK, maxCached: 2 });
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => mint(keys, { sub })));
    for (const t of tokens) await verifier.verify(t);
    await verifier.verify(tokens[2] ?? ''); // cached
    await verifier.verify(tokens[0] ?? ''); // evicted, verified again
    expect(verifications).toHaveBeenCalledTimes(4);
  });

  it('follows the member set: a token of a member removed or re-keyed since it was remembered is refused', async () => {
    const { keys, issuers } = await makeKeys(); // issuers is the live view a node passes in
    const verifier = new TokenVerifier({ issuers, audience: NETWORK });
    const token = await mint(keys, { org: OTHER });
    expect((await verifier.verify(token)).org).toBe(OTHER);
    const rotated = await generateIssuerKey(OTHER);
    issuers.set(OTHER, rotated.publicJwk);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await verifier.verify(await mint(keys, { org: OTHER, key: rotated.privateJwk }))).org).toBe(
      OTHER,
    );
    issuers.delete(OTHER);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
