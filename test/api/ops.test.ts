import { beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness } from './support.js';

describe('probes and status, without a token', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  it('GET /healthz is ok', async () => {
    const res = await h.call({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when ready and 503 NOT_READY otherwise', async () => {
    expect((await h.call({ url: '/readyz' })).json()).toEqual({ ready: true });
    h.node.ready = false;
    expectProblem(await h.call({ url: '/readyz' }), 503, 'NOT_READY');
  });

  it('GET /status returns the node status', async () => {
    const res = await h.call({ url: '/status' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(h.node.status);
  });

  it('GET /genesis returns the public genesis, with no private key in it', async () => {
    const res = await h.call({ url: '/genesis' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(h.node.genesis);
    expect(res.body).not.toMatch(/"d"\s*:|privateKey|secret/i);
  });
});

describe('the API describes itself', () => {
  it('serves api/openapi.yaml as /openapi.json and Swagger UI at /docs', async () => {
    const h = await harness();
    const spec = await h.call({ url: '/openapi.json' });
    expect(spec.statusCode).toBe(200);
    const doc = spec.json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.paths)).toContain('/capture');
    const ui = await h.call({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('serves Prometheus metrics without a token', async () => {
    const h = await harness();
    const res = await h.call({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('waybill_height');
  });
});

describe('GET /evidence', () => {
  it('lists committed evidence to readers and refuses callers without a token', async () => {
    const h = await harness();
    const record = {
      id: 'ab'.repeat(32),
      kind: 'duplicate_vote' as const,
      member: 'packer',
      height: 7,
      round: 0,
      reportedBy: 'grower',
      txId: 'cd'.repeat(32),
      blockHeight: 9,
      first: { type: 'prevote' },
      second: { type: 'prevote' },
    };
    h.node.evidence.push(record);
    expectProblem(await h.call({ url: '/evidence' }), 401, 'UNAUTHORIZED');
    const res = await h.call({ url: '/evidence', token: await h.token({ roles: ['events:read'] }) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ evidence: [record] });
  });
});
