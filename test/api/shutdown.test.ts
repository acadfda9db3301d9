import { describe, expect, it } from 'vitest';
import { problemType } from '../../services/api/problem.js';
import { ErrorCode } from '../../services/common/errors.js';
import { rawRequest } from '../support/http.js';
import { capture, harness } from './support.js';

describe('stopping the node', () => {
  it('a request that reaches it while it stops gets a 503 problem with Retry-After, not a bare 503', async () => {
    const h = await harness();
    const token = await h.token();
    // Holds the close in its preClose stage, where fastify still accepts connections.
    let letClose = () => {};
    let closingStarted = () => {};
    const started = new Promise<void>((resolve) => {
      closingStarted = resolve;
    });
    h.app.addHook('preClose', async () => {
      closingStarted();
      await new Promise<void>((resolve) => {
        letClose = resolve;
      });
    });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as { port: number };
    const url = `http://127.0.0.1:${port}`;
    const closed = h.app.close();
    await started;

    const { payload, headers } = capture(token);
    const res = await rawRequest(url, {
      method: 'POST',
      path: '/capture',
      headers: { ...headers, authorization: `Bearer ${token}` },
      body: payload,
    });
    letClose();
    await closed;

    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.parse(res.body)).toMatchObject({
      status: 503,
      code: 'SHUTTING_DOWN',
      type: problemType(ErrorCode.ShuttingDown),
      detail: expect.stringContaining('shutting down'),
    });
    expect(h.node.submits).toHaveLength(0);
  });
});
