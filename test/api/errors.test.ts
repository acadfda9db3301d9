import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, WaybillError } from '../../services/common/errors.js';
import { BODY_LIMIT, capture, DOCUMENT, expectProblem, type Harness, harness } from './support.js';

describe('bad input is answered with problem+json', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await harness();
    token = await h.token();
  });

  it('malformed JSON -> 400 MALFORMED_JSON', async () => {
    expectProblem(await h.call(capture(token, "{ type: 'EPCISDocument' }")), 400, 'MALFORMED_JSON');
  });

  it('truncated JSON -> 400 MALFORMED_JSON', async () => {
    const truncated = JSON.stringify(DOCUMENT).slice(0, 60);
    expectProblem(await h.call(capture(token, truncated)), 400, 'MALFORMED_JSON');
  });

  it('prototype poisoning -> 400 MALFORMED_JSON', async () => {
    expectProblem(await h.call(capture(token, '{"__proto__":{"admin":true}}')), 400, 'MALFORMED_JSON');
  });

  it('wrong content type -> 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await h.call(capture(token, JSON.stringify(DOCUMENT), { 'content-type': 'text/plain' }));
    expect(expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE').detail).toMatch(/text\/plain/);
    // XML is EPCIS XML on /capture: text that is not XML is a 400 naming line and column.
    const xml = expectProblem(
      await h.call(capture(token, 'a=1', { 'content-type': 'application/xml' })),
      400,
      'VALIDATION_FAILED',
    );
    expect(JSON.stringify(xml.errors)).toContain('line 1, column 1');
  });

  it('body over the limit -> 413 PAYLOAD_TOO_LARGE', async () => {
    const big = { ...DOCUMENT, padding: 'x'.repeat(BODY_LIMIT) };
    const res = await h.call(capture(token, big));
    expect(expectProblem(res, 413, 'PAYLOAD_TOO_LARGE').detail).toContain(String(BODY_LIMIT));
  });

  it('unknown route -> 404 NOT_FOUND; known path, other method -> 405 with Allow', async () => {
    expectProblem(await h.call({ url: '/nope', token }), 404, 'NOT_FOUND');
    const res = await h.call({ method: 'DELETE', url: '/capture', token });
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(String(res.headers.allow).split(', ')).toEqual(expect.arrayContaining(['GET', 'POST']));
  });

  it('malformed percent-encoding in the path -> 400 BAD_REQUEST', async () => {
    expectProblem(await h.call({ url: '/events/%E0%A4%A', token }), 400, 'BAD_REQUEST');
  });

  it('an unexpected exception -> 500 INTERNAL without internals, and the next request still works', async () => {
    h.node.submit = async () => {
      throw new TypeError('cannot read properties of undefined (reading db_password)');
    };
    const body = expectProblem(await h.call(capture(token)), 500, 'INTERNAL');
    expect(JSON.stringify(body)).not.toMatch(/db_password|TypeError|stack/);
    expect(body.instance).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);

    h.node.submit = async () => ({ captureID: 'c0ffee' });
    expect((await h.call(capture(token))).statusCode).toBe(202);
  });

  it('a 500-class WaybillError is answered as INTERNAL, without its meta', async () => {
    h.node.events.get = () => {
      throw new WaybillError(ErrorCode.StorageCorrupt, 'block 9 unreadable', {
        path: '/var/lib/waybill/ledger.sqlite',
      });
    };
    const body = expectProblem(await h.call({ url: '/events/x', token }), 500, 'INTERNAL');
    expect(body.path).toBeUndefined();
  });
});
