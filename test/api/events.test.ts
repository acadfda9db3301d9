import { beforeEach, describe, expect, it } from 'vitest';
import type { EventStatus } from '../../services/api/types.js';
import { expectProblem, type Harness, harness, ORG, OTHER } from './support.js';

// A CBV 2.0 event hash id: ':', '/', ';', '?' and '=' all need percent-encoding.
const NI_ID = `ni:///sha-256;${'9f'.repeat(32)}?ver=CBV2.0`;
// Longer than the router's default parameter limit of 100 characters.
const LONG_ID = `ni:///sha-512;${'9f'.repeat(64)}?ver=CBV2.0`;
const UUID_ID = 'urn:uuid:6d2e0a4c-3e1b-4a0e-9c55-2f1f7b6f0a11';
const EVENT = {
  type: 'ObjectEvent',
  eventID: NI_ID,
  action: 'OBSERVE',
  recordTime: '2026-11-24T10:00:01.000Z',
};

const path = (id: string, suffix = '') => `/events/${encodeURIComponent(id)}${suffix}`;

describe('GET /events/{eventID}', () => {
  let h: Harness;
  let token: string;
  beforeEach(async () => {
    h = await harness();
    token = await h.token({ roles: ['events:read'] });
    h.node.events.set(NI_ID, EVENT);
  });

  const only = (res: { json(): unknown }) =>
    (
      res.json() as {
        epcisBody: { queryResults: { resultsBody: { eventList: Array<Record<string, unknown>> } } };
      }
    ).epcisBody.queryResults.resultsBody.eventList;

  it('decodes an ni:/// eventID and answers an EPCISQueryDocument holding the event, as JSON-LD', async () => {
    const res = await h.call({ url: path(NI_ID), token });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(res.json()).toMatchObject({ type: 'EPCISQueryDocument', '@context': [expect.any(String)] });
    expect(only(res)).toEqual([EVENT]);
  });

  it('answers 406 to a client that accepts no media type the event is served in', async () => {
    const res = await h.call({ url: path(NI_ID), token, headers: { accept: 'text/csv' } });
    expectProblem(res, 406, 'NOT_ACCEPTABLE');
    expect(res.json().type).toBe('epcisException:NotAcceptableException');
  });

  it('serves eventIDs longer than 100 characters, and refuses absurd ones with 400', async () => {
    h.node.events.set(LONG_ID, { ...EVENT, eventID: LONG_ID });
    expect(only(await h.call({ url: path(LONG_ID), token }))[0]?.eventID).toBe(LONG_ID);
    expectProblem(await h.call({ url: path(`urn:x:${'a'.repeat(5000)}`), token }), 400, 'BAD_REQUEST');
  });

  it('answers application/json to clients that ask for it', async () => {
    const res = await h.call({ url: path(NI_ID), token, headers: { accept: 'application/json' } });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('serves a read token of another member org', async () => {
    const other = await h.token({ org: OTHER, roles: ['events:read'] });
    expect((await h.call({ url: path(NI_ID), token: other })).statusCode).toBe(200);
  });

  it('answers 404 until the event is committed', async () => {
    expectProblem(await h.call({ url: path(UUID_ID), token }), 404, 'NOT_FOUND');
  });
});

describe('GET /events/{eventID}/status', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  it('returns the status of an ni:/// event', async () => {
    const status: EventStatus = {
      eventID: NI_ID,
      status: 'accepted',
      blockHeight: 4,
      blockHash: 'cd'.repeat(32),
      txId: 'ef'.repeat(32),
      org: ORG,
      submitter: 'test-erp',
    };
    h.node.statuses.set(NI_ID, status);
    const res = await h.call({ url: path(NI_ID, '/status'), token: await h.token() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(status);
  });

  it('returns a rejection with its reason and no block', async () => {
    const status: EventStatus = {
      eventID: UUID_ID,
      status: 'rejected',
      reason: { code: 'DUPLICATE_EVENT_ID', message: 'already captured' },
      blockHeight: null,
      blockHash: null,
      txId: 'ef'.repeat(32),
      org: OTHER,
      submitter: 'their-erp',
    };
    h.node.statuses.set(UUID_ID, status);
    expect((await h.call({ url: path(UUID_ID, '/status'), token: await h.token() })).json()).toEqual(status);
  });

  it('answers an unknown event with 404', async () => {
    expectProblem(await h.call({ url: path(UUID_ID, '/status'), token: await h.token() }), 404, 'NOT_FOUND');
  });
});
