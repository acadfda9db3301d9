import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../services/api/index.js';
import { problemType } from '../../services/api/problem.js';
import type { ErrorCode } from '../../services/common/index.js';
import { RAW_HTTP_CASES, rawExchange, TEN_MB, tokenOf } from './bad-input-cases.js';
import { FakeNode, type Keys, makeKeys } from './support.js';

// Issue 19 defects 4 and 7, issue 17 part 4: what Node's HTTP parser and server answer before any
// route, over a real socket: every answer is problem+json, slow clients are cut off, and a body
// over the limit is read (up to a bound) so the client sees its 413.

let app: ReturnType<typeof buildApi>;
let url: string;
let keys: Keys;

beforeAll(async () => {
  const made = await makeKeys();
  keys = made.keys;
  const fake = new FakeNode(made.issuers);
  fake.bodyLimit = TEN_MB;
  app = buildApi(fake.deps(), { timeouts: { headersMs: 1_500, bodyIdleMs: 1_000, keepAliveMs: 500 } });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
});

function expectProblemText(
  res: { status: number; headers: Record<string, string>; body: string },
  status: number,
  code: string,
) {
  expect(res.status, JSON.stringify(res)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, type: problemType(code as ErrorCode) });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
}

describe('the HTTP layer, over a real socket', () => {
  it.each(RAW_HTTP_CASES)('$name -> $status $code', async (c) => {
    const res = await rawExchange(url, c.raw);
    expectProblemText(res, c.status, c.code);
  });

  it('answers 405 with Allow for a known path and an unsupported method', async () => {
    const res = await fetch(`${url}/capture`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')?.split(/,\s*/).sort()).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('METHOD_NOT_ALLOWED');
    const unknown = await fetch(`${url}/nowhere`, { method: 'PUT' });
    expect(unknown.status).toBe(404);
  });

  it('gives a client sending a 20 MB body with fetch its 413 problem, not a reset', async () => {
    const token = await tokenOf(keys, 'writer');
    const res = await fetch(`${url}/capture`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/ld+json' },
      body: `{"a":"${'x'.repeat(20 * 1024 * 1024)}"}`,
    });
    expect(res.status, await res.clone().text()).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('gives a chunked body that outgrows the limit its 413 problem, not a reset', async () => {
    const token = await tokenOf(keys, 'writer');
    const chunk = 'x'.repeat(1024 * 1024);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 12; i++) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const res = await fetch(`${url}/capture`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/ld+json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('closes a connection whose headers never finish, within a few seconds', async () => {
    const started = Date.now();
    const res = await rawExchange(url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1', 10_000);
    const took = Date.now() - started;
    expect(took).toBeLessThan(5_000);
    expectProblemText(res, 408, 'REQUEST_TIMEOUT');
  });

  it('closes a connection whose body stops at 23 of 1,000 bytes with a 408 problem', async () => {
    const token = await tokenOf(keys, 'writer');
    const started = Date.now();
    const head =
      `POST /capture HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
      'Content-Type: application/ld+json\r\nContent-Length: 1000\r\n\r\n';
    const res = await rawExchange(url, `${head}${'{"a":"'.padEnd(23, 'x')}`, 10_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expectProblemText(res, 408, 'REQUEST_TIMEOUT');
  });

  it('closes an idle keep-alive connection', async () => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    socket.resume(); // read the answer, so the server's FIN is seen
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const started = Date.now();
    expect((await closed) - started).toBeLessThan(5_000);
  });

  it('still serves afterwards', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
