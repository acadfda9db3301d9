import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, WaybillError } from '../../services/common/errors.js';
import { capture, DOCUMENT, expectProblem, type Harness, harness, OTHER } from './support.js';

describe('POST /capture', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  it('accepts a document with 202, Location and captureID, submitting as the token subject', async () => {
    const res = await h.call(capture(await h.token({ sub: 'erp-7' })));
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe('/capture/c0ffee');
    expect(res.json()).toEqual({ captureID: 'c0ffee' });
    expect(h.node.submits).toEqual([
      { document: DOCUMENT, ctx: { submitter: 'erp-7', errorBehaviour: 'rollback' } },
    ]);
  });

  it('passes GS1-Capture-Error-Behaviour proceed through', async () => {
    const res = await h.call(
      capture(await h.token(), DOCUMENT, { 'GS1-Capture-Error-Behaviour': 'proceed' }),
    );
    expect(res.statusCode).toBe(202);
    expect(h.node.submits[0]?.ctx.errorBehaviour).toBe('proceed');
  });

  it('rejects any other GS1-Capture-Error-Behaviour with 400 naming the header', async () => {
    const res = await h.call(
      capture(await h.token(), DOCUMENT, { 'GS1-Capture-Error-Behaviour': 'sometimes' }),
    );
    const body = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([
      { field: 'headers.gs1-capture-error-behaviour', message: 'must be one of: rollback, proceed' },
    ]);
    expect(h.node.submits).toHaveLength(0);
  });

  it('accepts application/json with a charset, and the admin role', async () => {
    const req = capture(await h.token({ roles: ['admin'] }), DOCUMENT, {
      'content-type': 'application/json; charset=utf-8',
    });
    expect((await h.call(req)).statusCode).toBe(202);
  });

  it('answers an empty body with 400, with or without a content type', async () => {
    const token = await h.token();
    expectProblem(await h.call(capture(token, '')), 400, 'BAD_REQUEST');
    expectProblem(await h.call({ method: 'POST', url: '/capture', token }), 400, 'BAD_REQUEST');
    expect(h.node.submits).toHaveLength(0);
  });

  it('maps VALIDATION_FAILED from the ledger to 400 listing every field', async () => {
    const errors = [
      { field: 'epcisBody.eventList.0.action', message: 'is required' },
      { field: 'epcisBody.eventList.0.eventTime', message: 'must be a date-time' },
    ];
    h.node.submit = async () => {
      throw new WaybillError(ErrorCode.ValidationFailed, 'the EPCIS document is not valid', { errors });
    };
    const body = expectProblem(await h.call(capture(await h.token())), 400, 'VALIDATION_FAILED');
    expect(body).toMatchObject({ detail: 'the EPCIS document is not valid', errors });
  });

  it('maps MEMPOOL_FULL to 429 with Retry-After', async () => {
    h.node.submit = async () => {
      throw new WaybillError(ErrorCode.MempoolFull, 'retry later', { retryAfterSeconds: 2 });
    };
    const res = await h.call(capture(await h.token()));
    expect(expectProblem(res, 429, 'MEMPOOL_FULL').retryAfterSeconds).toBe(2);
    expect(res.headers['retry-after']).toBe('2');
  });
});

describe('GET /capture/{captureID}', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  it('returns the job, with its block once committed', async () => {
    const job = {
      captureID: 'c0ffee',
      running: false,
      success: true,
      captureErrorBehaviour: 'rollback' as const,
      errors: [],
      blockHeight: 3,
      blockHash: 'ab'.repeat(32),
    };
    h.node.jobs.set('c0ffee', job);
    const res = await h.call({ url: '/capture/c0ffee', token: await h.token({ roles: ['events:read'] }) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(job);
  });

  it('serves another member org', async () => {
    h.node.jobs.set('c0ffee', { captureID: 'c0ffee', running: true, success: false, errors: [] });
    const token = await h.token({ org: OTHER, roles: ['events:read'] });
    expect((await h.call({ url: '/capture/c0ffee', token })).statusCode).toBe(200);
  });

  it('answers an unknown capture with 404', async () => {
    expectProblem(await h.call({ url: '/capture/nope', token: await h.token() }), 404, 'NOT_FOUND');
  });
});

describe('OPTIONS /capture', () => {
  it('advertises the capture limits without a token', async () => {
    const h = await harness();
    const res = await h.call({ method: 'OPTIONS', url: '/capture' });
    expect(res.statusCode).toBe(204);
    expect(res.headers['gs1-epcis-capture-limit']).toBe('10000');
    expect(Number(res.headers['gs1-epcis-capture-file-size-limit'])).toBeGreaterThan(0);
  });
});

describe('POST /events', () => {
  const EVENT = {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:1',
    eventTime: '2026-01-01T00:00:00Z',
    action: 'OBSERVE',
  };
  const post = async (h: Harness, token?: string) =>
    h.call({
      method: 'POST',
      url: '/events',
      payload: EVENT,
      token: token ?? (await h.token({ sub: 'wms' })),
    });

  it('answers 201 with Location and the event once it is committed', async () => {
    const h = await harness();
    const status = {
      eventID: 'urn:uuid:1',
      status: 'accepted' as const,
      blockHeight: 4,
      blockHash: 'ab',
      txId: 'cd',
      org: 'grower',
      submitter: 'wms',
    };
    h.node.captureEvent = async () => ({ kind: 'accepted', status });
    const committed = { ...(EVENT as Record<string, unknown>), eventID: 'urn:uuid:1' };
    h.node.events.set('urn:uuid:1', committed as never);
    const res = await post(h);
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe('/events/urn%3Auuid%3A1');
    // GS1 answers the event as captured; its ledger status is at /events/{eventID}/status.
    expect(res.json()).toEqual(committed);
    expect(h.node.eventCaptures).toEqual([
      { event: EVENT, ctx: { submitter: 'wms', errorBehaviour: 'rollback' } },
    ]);
  });

  it('answers 202 with the capture job while no block has decided it', async () => {
    const h = await harness();
    const res = await post(h);
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe('/capture/c1');
  });

  it('answers 409 when the eventID exists and 422 when the ledger rejects the event', async () => {
    const h = await harness();
    h.node.captureEvent = async () => {
      throw new WaybillError(ErrorCode.Conflict, 'event urn:uuid:1 exists');
    };
    expectProblem(await post(h), 409, 'CONFLICT');
    h.node.captureEvent = async () => {
      throw new WaybillError(ErrorCode.EventRejected, 'not held', {
        reason: { code: 'CUSTODY_NOT_HELD', message: 'not held' },
      });
    };
    const res = await post(h);
    expectProblem(res, 422, 'EVENT_REJECTED');
    expect(res.json().reason).toEqual({ code: 'CUSTODY_NOT_HELD', message: 'not held' });
  });

  it('takes writes only from tokens of this node organisation', async () => {
    const h = await harness();
    expectProblem(await post(h, await h.token({ org: OTHER })), 403, 'FORBIDDEN');
  });
});
