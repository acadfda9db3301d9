import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { capture, harness } from './support.js';

describe('logging', () => {
  it('never writes a bearer token, even for failing requests', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
    const h = await harness({ logger });
    const token = await h.token();
    h.node.submit = async () => {
      throw new Error('boom');
    };
    await h.call(capture(token)); // 500, logged with the error
    await h.call({ url: '/capture/x', token }); // 404
    await h.call({ url: '/nope', token });
    await h.call({ url: '/capture/x', headers: { authorization: 'Bearer garbled-secret' } });

    const log = lines.join('');
    expect(log).toContain('"url":"/capture"'); // requests were logged, headers included
    expect(log).toContain('"authorization":"[redacted]"');
    expect(log).toContain('boom'); // the 500 was logged
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[2]);
    expect(log).not.toContain('garbled-secret');
  });

  it("builds with Fastify's own logger too", async () => {
    const h = await harness({ logger: true });
    await expect(h.app.ready()).resolves.toBeDefined();
    await h.app.close();
  });
});
