import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../services/api/index.js';
import { queryBackend } from '../../services/query/index.js';
import { TestLedger } from '../support/ledger.js';
import { expectProblem, FakeNode, type Keys, makeKeys, mint, NO_SUCH_NAME, ORG, OTHER } from './support.js';

// The subscription routes over a real store (named queries and subscriptions in its SQLite).

const SECRET = 'do-not-show-13df38d8275b13f05704629e5f1cf3d4';
const DEST = 'https://erp.example.com/epcis/callback';

let ledger: TestLedger;
let app: FastifyInstance;
let keys: Keys;
let writer: string;
let reader: string;
let node: FakeNode;

beforeAll(async () => {
  ledger = new TestLedger([ORG]); // the test's token reads the whole ledger
  const made = await makeKeys();
  keys = made.keys;
  node = new FakeNode(made.issuers);
  node.query = queryBackend(ledger.store.index);
  app = buildApi(node.deps());
  writer = await mint(keys, { roles: ['events:write'] });
  reader = await mint(keys, { roles: ['events:read'] });
  for (const name of ['receipts', 'shipments', 'doomed'])
    ledger.store.index.namedQueries.add({
      name,
      params: { EQ_bizStep: name === 'shipments' ? 'shipping' : 'receiving' },
      createdBy: 'erp',
      createdAt: 0,
    });
});

afterAll(() => ledger.destroy());

const post = (query: string, payload: unknown, token = writer) =>
  app.inject({
    method: 'POST',
    url: `/queries/${query}/subscriptions`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: payload === undefined ? undefined : JSON.stringify(payload),
  });
const get = (url: string, token = reader) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
const del = (url: string, token = writer) =>
  app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${token}` } });

function fieldOf(body: Record<string, unknown>): string | undefined {
  return (body.errors as Array<{ field: string }> | undefined)?.[0]?.field;
}

describe('query subscriptions', () => {
  it('subscribes, shows the subscription without its secret, and unsubscribes', async () => {
    ledger.commit({
      org: 'freshmart',
      events: [
        {
          type: 'ObjectEvent',
          eventID: 'urn:uuid:00000000-0000-4000-8000-000000000001',
          eventTime: '2026-04-20T10:00:00.000Z',
          eventTimeZoneOffset: '+00:00',
          action: 'OBSERVE',
          bizStep: 'receiving',
          epcList: ['urn:epc:id:sgtin:0614141.107346.1'],
        },
      ],
    });
    const res = await post('receipts', { dest: DEST, signatureToken: SECRET, stream: true });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json() as { subscriptionID: string };
    expect(res.headers.location).toBe(`/queries/receipts/subscriptions/${created.subscriptionID}`);
    expect(created).toMatchObject({
      queryName: 'receipts',
      dest: DEST,
      stream: true,
      createdBy: 'test-erp',
      failedAttempts: 0,
    });
    expect(res.body).not.toContain(SECRET);
    // It starts after the events already committed.
    const stored = ledger.store.index.subscriptions.get('receipts', created.subscriptionID);
    expect(stored).toMatchObject({ cursor: ledger.store.index.subscriptions.latestPosition() });
    expect(stored?.cursor).toBeGreaterThan(0);
    // The secret is kept encrypted, bound to its subscription: never in plain text in SQLite.
    expect(stored?.secret).not.toContain(SECRET);
    expect(node.secretBox.open(String(stored?.secret), created.subscriptionID)).toBe(SECRET);
    expect(() => node.secretBox.open(String(stored?.secret), 'another-id')).toThrow();
    const raw = ledger.store.index.subscriptions.secrets(); // the column as stored
    expect(raw).toHaveLength(1);
    expect(JSON.stringify(raw)).not.toContain(SECRET);

    const one = await get(String(res.headers.location));
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(created);
    expect(one.body).not.toContain(SECRET);
    const list = await get('/queries/receipts/subscriptions');
    expect(list.json()).toEqual([created]);
    expect(list.body).not.toContain(SECRET);
    expect((await get('/queries/shipments/subscriptions')).json()).toEqual([]);

    expect((await del(String(res.headers.location))).statusCode).toBe(204);
    expectProblem(await get(String(res.headers.location)), 404, 'NOT_FOUND');
    expectProblem(await del(String(res.headers.location)), 404, 'NOT_FOUND');
    expect((await get('/queries/receipts/subscriptions')).json()).toEqual([]);
  });

  it('pages the list with Link rel="next"', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post('shipments', { dest: `${DEST}/${i}`, stream: true });
      ids.push((res.json() as { subscriptionID: string }).subscriptionID);
    }
    const first = await get('/queries/shipments/subscriptions?perPage=2');
    const next = /^<([^>]+)>; rel="next"$/.exec(String(first.headers.link))?.[1] ?? '';
    const second = await get(next);
    expect(second.headers.link).toBeUndefined();
    const seen = [...first.json(), ...second.json()].map((s: { subscriptionID: string }) => s.subscriptionID);
    expect(seen).toEqual([...ids].sort());
  });

  it('refuses an unknown named query with 404', async () => {
    const body = expectProblem(
      await post('nope', { dest: DEST, stream: true }),
      404,
      'NOT_FOUND',
      NO_SUCH_NAME,
    );
    expect(body.detail).toContain("'nope'");
    expectProblem(await get('/queries/nope/subscriptions'), 404, 'NOT_FOUND', NO_SUCH_NAME);
  });

  it('takes a scheduled subscription (GS1 query schedule) and initialRecordTime', async () => {
    const res = await post('receipts', {
      dest: DEST,
      schedule: { hour: '1', minute: '5', second: '0' },
      reportIfEmpty: true,
      initialRecordTime: '2026-01-01T00:00:00Z',
    });
    expect(res.statusCode, res.body).toBe(201);
    const sub = res.json();
    expect(sub).toMatchObject({
      schedule: { hour: '1', minute: '5', second: '0' },
      reportIfEmpty: true,
      failedAttempts: 0,
    });
    expect(sub.stream).toBeUndefined();
    // The next 01:05:00 UTC after now.
    const next = Date.parse(sub.nextRunAt);
    expect(new Date(next).toISOString()).toMatch(/T01:05:00\.000Z$/);
    expect(next - Date.now()).toBeGreaterThan(0);
    expect(next - Date.now()).toBeLessThanOrEqual(86_400_000);
    const listed = (await get('/queries/receipts/subscriptions')).json() as Array<Record<string, unknown>>;
    expect(listed.find((s) => s.subscriptionID === sub.subscriptionID)).toMatchObject({
      reportIfEmpty: true,
    });
    expect((await del(`/queries/receipts/subscriptions/${sub.subscriptionID}`)).statusCode).toBe(204);
  });

  it('refuses a bad dest, neither or both of stream and schedule, a bad schedule and unknown members', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ dest: 'ftp://erp.example.com/x', stream: true }, 'body.dest', 'http or https'],
      [{ dest: 'file:///etc/passwd', stream: true }, 'body.dest', 'http or https'],
      [{ dest: 'erp.example.com/callback', stream: true }, 'body.dest', 'absolute'],
      [{ dest: 'https://user:pw@erp.example.com/', stream: true }, 'body.dest', 'credentials'],
      [{ stream: true }, 'body.dest', 'http or https'],
      [{ dest: DEST }, 'body.stream', 'exactly one of'],
      [{ dest: DEST, stream: false }, 'body.stream', 'must be true'],
      [{ dest: DEST, stream: true, schedule: { hour: '1' } }, 'body.schedule', 'exactly one of'],
      [{ dest: DEST, schedule: { hour: '24' } }, 'body.schedule.hour', '0 to 23'],
      [{ dest: DEST, schedule: { minute: '*/5' } }, 'body.schedule.minute', '[a-b] ranges'],
      [{ dest: DEST, schedule: { dayOfMonth: '31', month: '2' } }, 'body.schedule', 'matches no time'],
      [{ dest: DEST, stream: true, reportIfEmpty: true }, 'body.reportIfEmpty', 'scheduled'],
      [{ dest: DEST, stream: true, initialRecordTime: 'yesterday' }, 'body.initialRecordTime', 'RFC 3339'],
      [{ dest: DEST, stream: true, secret: 'x' }, 'body.secret', 'not a member'],
      // Names of Object.prototype members are unknown members like any other (found by test/fuzz).
      [{ dest: DEST, stream: true, constructor: 'x' }, 'body.constructor', 'not a member'],
      [{ dest: DEST, stream: true, toString: 'x' }, 'body.toString', 'not a member'],
      [{ dest: DEST, stream: true, signatureToken: '' }, 'body.signatureToken', '1 to 1024'],
      [{ dest: DEST, stream: true, signatureToken: 42 }, 'body.signatureToken', '1 to 1024'],
      [[DEST], 'body.', 'object'],
    ];
    for (const [payload, field, message] of cases) {
      const body = expectProblem(await post('receipts', payload), 400, 'VALIDATION_FAILED');
      expect(fieldOf(body), JSON.stringify(payload)).toBe(field);
      expect(JSON.stringify(body.errors), JSON.stringify(payload)).toContain(message);
    }
    expectProblem(await post('receipts', undefined), 400, 'BAD_REQUEST');
    expect(ledger.store.index.subscriptions.list('receipts', ORG, 100)).toEqual([]);
  });

  it('refuses a dest that reaches an internal address with 400 DESTINATION_NOT_ALLOWED', async () => {
    node.resolved.set('erp.internal.example.com', ['10.0.0.8']);
    for (const dest of [
      'http://127.0.0.1:8080/hook',
      'http://127.1/hook',
      'http://2130706433/hook',
      'http://0x7f000001/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://localhost/hook',
      'http://[::1]/hook',
      'http://0.0.0.0/hook',
      'http://10.1.1.1/hook',
      'http://172.16.0.1/hook',
      'http://192.168.1.1/hook',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'https://erp.internal.example.com/hook',
    ]) {
      const body = expectProblem(
        await post('receipts', { dest, stream: true }),
        400,
        'DESTINATION_NOT_ALLOWED',
      );
      expect(body.detail, dest).toMatch(/not allowed|this machine|metadata/);
    }
    expect(ledger.store.index.subscriptions.list('receipts', ORG, 100)).toEqual([]);
  });

  it("lets only write tokens of this org subscribe and unsubscribe, and only its org's tokens read", async () => {
    expectProblem(await post('receipts', { dest: DEST, stream: true }, reader), 403, 'FORBIDDEN');
    const outsider = await mint(keys, { org: OTHER, roles: ['events:write', 'events:read'] });
    expectProblem(await post('receipts', { dest: DEST, stream: true }, outsider), 403, 'FORBIDDEN');
    const res = await post('receipts', { dest: DEST, stream: true });
    const location = String(res.headers.location);
    expect((await get(location, reader)).statusCode).toBe(200);
    // Another member's token finds it exactly as an unknown subscription, alone or in the list.
    const unknown = expectProblem(await get(`${location}x`, outsider), 404, 'NOT_FOUND');
    const hidden = expectProblem(await get(location, outsider), 404, 'NOT_FOUND');
    expect({ ...hidden, instance: '', detail: '' }).toEqual({ ...unknown, instance: '', detail: '' });
    expect((await get('/queries/receipts/subscriptions', outsider)).json()).toEqual([]);
    expectProblem(await del(location, reader), 403, 'FORBIDDEN');
    expectProblem(await del(location, outsider), 403, 'FORBIDDEN');
    expectProblem(await get(location, 'not-a-token'), 401, 'UNAUTHORIZED');
    expect((await del(location)).statusCode).toBe(204);
  });

  it('deleting the named query unsubscribes its subscribers', async () => {
    const res = await post('doomed', { dest: DEST, stream: true });
    expect(res.statusCode).toBe(201);
    expect((await del('/queries/doomed')).statusCode).toBe(204);
    expectProblem(await get(String(res.headers.location)), 404, 'NOT_FOUND');
    expect(ledger.store.index.subscriptions.list('doomed', ORG, 10)).toEqual([]);
  });
});
