import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../services/common/index.js';
import { DEFAULT_RATE_LIMIT, rateLimitOf } from '../../services/config/index.js';
import { expectProblem, harness, OTHER } from './support.js';

// Issue 19 scope 2: per-client rate limits. A low limit and a clock the test moves: 2 requests a
// second, bursts of 3.
async function limited() {
  let now = 0;
  const h = await harness({ rateLimit: { perSecond: 2, burst: 3 }, clock: () => now });
  const wait = (ms: number) => {
    now += ms;
  };
  return { h, wait };
}

describe('per-client rate limits', () => {
  it('answers a burst past the limit with 429 RATE_LIMITED and Retry-After, then serves again after waiting', async () => {
    const { h, wait } = await limited();
    const token = await h.token({ sub: 'erp-1', roles: ['events:read'] });
    const get = () => h.call({ method: 'GET', url: '/evidence', token });
    for (let i = 0; i < 3; i++) expect((await get()).statusCode).toBe(200);
    const refused = await get();
    expectProblem(refused, 429, ErrorCode.RateLimited);
    expect(refused.headers['retry-after']).toBe('1');
    // Another client of the same org, and a token of another org, have buckets of their own.
    const other = await h.token({ sub: 'erp-2', roles: ['events:read'] });
    expect((await h.call({ method: 'GET', url: '/evidence', token: other })).statusCode).toBe(200);
    const foreign = await h.token({ org: OTHER, sub: 'erp-1', roles: ['events:read'] });
    expect((await h.call({ method: 'GET', url: '/evidence', token: foreign })).statusCode).toBe(200);
    wait(400);
    expectProblem(await get(), 429, ErrorCode.RateLimited);
    wait(100); // one request a half second: the next one has accrued since the refusal
    expect((await get()).statusCode).toBe(200);
    expectProblem(await get(), 429, ErrorCode.RateLimited);
    wait(1_500); // three accrue, never more than the burst
    for (let i = 0; i < 3; i++) expect((await get()).statusCode).toBe(200);
    expectProblem(await get(), 429, ErrorCode.RateLimited);
  });

  it('keys clients without a token by their address, and never limits /healthz, /readyz and /metrics', async () => {
    const { h } = await limited();
    const from = (remoteAddress: string) => h.app.inject({ method: 'GET', url: '/genesis', remoteAddress });
    for (let i = 0; i < 3; i++) expect((await from('192.0.2.1')).statusCode).toBe(200);
    const refused = await from('192.0.2.1');
    expectProblem(refused, 429, ErrorCode.RateLimited);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('192.0.2.2')).statusCode).toBe(200);
    // A bad token is counted against the address too: it cannot buy a fresh bucket.
    const bad = await h.app.inject({
      method: 'GET',
      url: '/genesis',
      remoteAddress: '192.0.2.1',
      headers: { authorization: 'Bearer nonsense' },
    });
    expectProblem(bad, 429, ErrorCode.RateLimited);
    // Tokens that fail verification are counted against their address, apart from anonymous requests.
    const forged = (remoteAddress: string) =>
      h.app.inject({
        method: 'GET',
        url: '/evidence',
        remoteAddress,
        headers: { authorization: 'Bearer forged' },
      });
    for (let i = 0; i < 3; i++) expect((await forged('192.0.2.3')).statusCode).toBe(401);
    expectProblem(await forged('192.0.2.3'), 429, ErrorCode.RateLimited);
    expect((await forged('192.0.2.4')).statusCode).toBe(401);
    const valid = await h.token({ roles: ['events:read'] });
    const fromValid = await h.app.inject({
      method: 'GET',
      url: '/evidence',
      remoteAddress: '192.0.2.1',
      headers: { authorization: `Bearer ${valid}` },
    });
    expect(fromValid.statusCode).toBe(200);
    for (const url of ['/healthz', '/readyz', '/metrics', '/healthz', '/readyz', '/metrics']) {
      const res = await h.app.inject({ method: 'GET', url, remoteAddress: '192.0.2.1' });
      expect(res.statusCode, url).not.toBe(429);
    }
  });

  it('checks node.json api.rateLimit when it is loaded', () => {
    expect(rateLimitOf(undefined, 'node.json')).toEqual(DEFAULT_RATE_LIMIT);
    expect(rateLimitOf({ perSecond: 5 }, 'node.json')).toEqual({
      perSecond: 5,
      burst: DEFAULT_RATE_LIMIT.burst,
    });
    for (const bad of [
      5,
      [],
      { perSecond: 0 },
      { perSecond: -1 },
      { burst: 0.5 },
      { burst: '9' },
      { rate: 3 },
    ]) {
      expect(() => rateLimitOf(bad, 'node.json'), JSON.stringify(bad)).toThrow(/api\.rateLimit/);
    }
  });
});
