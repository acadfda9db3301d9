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
});
