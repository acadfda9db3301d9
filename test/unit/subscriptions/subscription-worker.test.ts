import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryDocument } from '../../../services/api/index.js';
import {
  compileSchedule,
  DeliveryWorker,
  type DeliveryWorkerDeps,
  DestPolicy,
  nextRun,
  retryDelay,
  SecretBox,
  verifySignature,
} from '../../../services/subscriptions/index.js';
import { type TestEvent, TestLedger } from '../../support/ledger.js';
import { waitFor } from '../../support/wait.js';
import { eventIDsOf, WebhookReceiver } from '../../support/webhook.js';

// The delivery worker against a real store and a real HTTP receiver on 127.0.0.1. Time is an
// injected clock: retries are driven by moving it, never by waiting.

const TOKEN = 'client-secret-13df38d8';
const secrets = SecretBox.fromKey(randomBytes(32));
/** The receivers run on 127.0.0.1: a node must be told explicitly that loopback is a destination. */
const LOOPBACK = new DestPolicy({ allow: ['127.0.0.0/8'] });
const idOf = (n: number) => `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
let serial = 0;

function event(bizStep: 'receiving' | 'shipping'): TestEvent {
  const n = ++serial;
  return {
    type: 'ObjectEvent',
    eventID: idOf(n),
    eventTime: '2026-04-20T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep,
    epcList: [`urn:epc:id:sgtin:0614141.107346.${n}`],
  };
}

let ledger: TestLedger;
let receiver: WebhookReceiver;
let now: number;
const workers: DeliveryWorker[] = [];

function worker(overrides: Partial<DeliveryWorkerDeps> = {}): DeliveryWorker {
  const { subscriptions, namedQueries, reader } = ledger.store.index;
  const w = new DeliveryWorker({
    subscriptions,
    namedQueries,
    reader,
    document: queryDocument,
    secrets,
    policy: LOOPBACK,
    clock: () => now,
    random: () => 0.5,
    batchSize: 2,
    ...overrides,
  });
  workers.push(w);
  return w;
}

/** `secret` null: no signatureToken. */
function subscribe(dest = receiver.url, secret: string | null = TOKEN) {
  const id = `sub-${++serial}`;
  return ledger.store.index.subscriptions.add({
    id,
    queryName: 'receipts',
    dest,
    secret: secret === null ? undefined : secrets.seal(secret, id),
    createdByOrg: 'freshmart',
    createdBy: 'erp',
    createdAt: now,
  });
}

const commit = (...events: TestEvent[]) => ledger.commit({ org: 'freshmart', events });
const subscription = (id: string) => ledger.store.index.subscriptions.get('receipts', id);

beforeEach(async () => {
  now = Date.parse('2026-11-30T12:00:00Z');
  ledger = new TestLedger();
  ledger.store.index.namedQueries.add({
    name: 'receipts',
    params: { EQ_bizStep: 'receiving', orderBy: 'eventTime' },
    createdBy: 'erp',
    createdAt: now,
  });
  receiver = await WebhookReceiver.start();
});

afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
  await receiver.close();
  ledger.destroy();
});

/** A scheduled subscription (GS1's query schedule), first run at the schedule's next time. */
function subscribeScheduled(schedule: Record<string, string>, reportIfEmpty: boolean) {
  const id = `sub-${++serial}`;
  const compiled = compileSchedule(schedule);
  if (!compiled.ok) throw new Error(compiled.message);
  return ledger.store.index.subscriptions.add({
    id,
    queryName: 'receipts',
    dest: receiver.url,
    secret: undefined,
    createdByOrg: 'freshmart',
    createdBy: 'erp',
    createdAt: now,
    scheduled: { schedule, reportIfEmpty, firstRunAt: nextRun(compiled.schedule, now) as number },
  });
}

describe('DeliveryWorker', () => {
  it('runs a scheduled subscription at its times only, with what committed since the last run', async () => {
    // 12:00:00 now; "at second 0 of minute 30 of every hour": first run 12:30:00.
    const sub = subscribeScheduled({ second: '0', minute: '30' }, false);
    expect(subscription(sub.id)?.nextAttemptAt).toBe(Date.parse('2026-11-30T12:30:00Z'));
    const first = [event('receiving'), event('receiving'), event('receiving')];
    commit(...first, event('shipping'));
    const w = worker();
    await w.runDue();
    expect(receiver.deliveries).toHaveLength(0); // not its time: a stream would have sent by now
    now = Date.parse('2026-11-30T12:30:00Z');
    await w.runDue();
    expect(receiver.acceptedEventIDs()).toEqual(first.map((e) => e.eventID)); // in batches of 2
    expect(subscription(sub.id)).toMatchObject({ nextAttemptAt: Date.parse('2026-11-30T13:30:00Z') });
    for (const d of receiver.deliveries)
      expect(JSON.parse(d.body.toString('utf8')).epcisBody.queryResults.subscriptionID).toBe(sub.id);
    const later = event('receiving');
    commit(later);
    now = Date.parse('2026-11-30T13:29:59Z');
    await w.runDue();
    expect(receiver.deliveries).toHaveLength(2);
    now = Date.parse('2026-11-30T13:30:00Z');
    await w.runDue();
    expect(receiver.acceptedEventIDs()).toEqual([...first, later].map((e) => e.eventID));
    // Nothing new at 14:30 and no reportIfEmpty: nothing sent, next run 15:30.
    now = Date.parse('2026-11-30T14:30:00Z');
    await w.runDue();
    expect(receiver.deliveries).toHaveLength(3);
    expect(subscription(sub.id)?.nextAttemptAt).toBe(Date.parse('2026-11-30T15:30:00Z'));
  });

  it('reports an empty run with reportIfEmpty, and retries a failed run before the next time', async () => {
    const sub = subscribeScheduled({ second: '0', minute: '0', hour: '13' }, true);
    now = Date.parse('2026-11-30T13:00:00Z');
    const w = worker();
    await w.runDue();
    expect(receiver.deliveries).toHaveLength(1);
    const doc = JSON.parse(receiver.deliveries[0]?.body.toString('utf8') ?? '{}');
    expect(doc.epcisBody.queryResults).toMatchObject({
      subscriptionID: sub.id,
      resultsBody: { eventList: [] },
    });
    expect(subscription(sub.id)?.nextAttemptAt).toBe(Date.parse('2026-12-01T13:00:00Z'));
    receiver.script.push(500);
    const e = event('receiving');
    commit(e);
    now = Date.parse('2026-12-01T13:00:00Z');
    await w.runDue();
    expect(subscription(sub.id)).toMatchObject({ attempts: 1, nextAttemptAt: now + retryDelay(1, 0.5) });
    now += retryDelay(1, 0.5);
    await w.runDue();
    expect(receiver.acceptedEventIDs()).toEqual([e.eventID]);
    expect(subscription(sub.id)).toMatchObject({
      attempts: 0,
      nextAttemptAt: Date.parse('2026-12-02T13:00:00Z'),
    });
  });

  it('cuts a batch of large events by bytes, keeping every event and the ledger order', async () => {
    const sub = subscribe();
    const big = (): TestEvent => ({ ...event('receiving'), 'example:note': 'x'.repeat(3_000) });
    const receipts = [big(), big(), big(), big(), big()];
    commit(...receipts);
    // Each event is over 3,000 stored bytes: a 7,000-byte budget holds two of them.
    await worker({ batchSize: 500, maxBatchBytes: 7_000 }).runDue();

    expect(receiver.deliveries.map((d) => eventIDsOf(d.body).length)).toEqual([2, 2, 1]);
    expect(receiver.acceptedEventIDs()).toEqual(receipts.map((e) => e.eventID));
    expect(subscription(sub.id)).toMatchObject({ attempts: 0 });
  });

  it('POSTs newly committed matching events in ledger order, signed, in bounded batches', async () => {
    const before = event('receiving');
    commit(before);
    const sub = subscribe();
    const receipts = [event('receiving'), event('receiving'), event('receiving')];
    commit(receipts[0] as TestEvent, event('shipping'));
    commit(event('shipping'), receipts[1] as TestEvent, receipts[2] as TestEvent);
    await worker().runDue();

    expect(receiver.deliveries).toHaveLength(2); // batches of 2
    expect(receiver.acceptedEventIDs()).toEqual(receipts.map((e) => e.eventID));
    for (const d of receiver.deliveries) {
      expect(verifySignature(d.body, TOKEN, d.headers['gs1-signature'] as string)).toBe(true);
      expect(verifySignature(d.body, 'another-token', d.headers['gs1-signature'] as string)).toBe(false);
      expect(d.headers['gs1-epcis-subscription-id']).toBe(sub.id);
      expect(d.headers['content-type']).toBe('application/json');
      const doc = JSON.parse(d.body.toString('utf8'));
      expect(doc.type).toBe('EPCISQueryDocument');
      expect(doc.epcisBody.queryResults.queryName).toBe('receipts');
      expect(doc.epcisBody.queryResults.subscriptionID).toBe(sub.id);
    }
    expect(subscription(sub.id)).toMatchObject({ attempts: 0, lastNotifiedAt: now });

    // Caught up: nothing more to send until another matching event commits.
    await worker().runDue();
    expect(receiver.deliveries).toHaveLength(2);
    commit(event('shipping'));
    await worker().runDue();
    expect(receiver.deliveries).toHaveLength(2);
    const later = event('receiving');
    commit(later);
    await worker().runDue();
    expect(receiver.deliveries.map((d) => eventIDsOf(d.body))).toEqual([
      [receipts[0]?.eventID, receipts[1]?.eventID],
      [receipts[2]?.eventID],
      [later.eventID],
    ]);
  });

  it('leaves GS1-Signature out when the subscription has no signatureToken', async () => {
    subscribe(receiver.url, null);
    commit(event('receiving'));
    await worker().runDue();
    expect(receiver.deliveries).toHaveLength(1);
    expect(receiver.deliveries[0]?.headers['gs1-signature']).toBeUndefined();
  });

  it('retries a failing receiver with growing delays, then delivers every event exactly once', async () => {
    const sub = subscribe();
    const receipts = [event('receiving'), event('receiving'), event('receiving')];
    commit(...receipts);
    receiver.script.push(500, 503);
    const w = worker();

    await w.runDue();
    expect(receiver.deliveries.map((d) => d.status)).toEqual([500]);
    expect(subscription(sub.id)).toMatchObject({
      attempts: 1,
      nextAttemptAt: now + retryDelay(1, 0.5),
      lastError: 'the receiver answered HTTP 500',
    });
    expect(retryDelay(1, 0.5)).toBe(750); // 1 s, from its upper half

    // Not due yet: no request.
    now += retryDelay(1, 0.5) - 1;
    await w.runDue();
    expect(receiver.deliveries).toHaveLength(1);

    now += 1;
    await w.runDue();
    expect(receiver.deliveries.map((d) => d.status)).toEqual([500, 503]);
    expect(subscription(sub.id)).toMatchObject({
      attempts: 2,
      nextAttemptAt: now + retryDelay(2, 0.5),
      lastError: 'the receiver answered HTTP 503',
    });
    expect(retryDelay(2, 0.5)).toBe(1500);

    now += retryDelay(2, 0.5);
    await w.runDue();
    expect(receiver.deliveries.map((d) => d.status)).toEqual([500, 503, 200, 200]);
    expect(receiver.acceptedEventIDs()).toEqual(receipts.map((e) => e.eventID));
    expect(subscription(sub.id)).toMatchObject({ attempts: 0, lastError: undefined });
  });

  it('keeps what failed for an unreachable receiver', async () => {
    const closed = await WebhookReceiver.start();
    const dest = closed.url;
    await closed.close();
    const sub = subscribe(dest);
    commit(event('receiving'));
    await worker().runDue();
    expect(subscription(sub.id)?.lastError).toBe('request failed: ECONNREFUSED');
    expect(subscription(sub.id)?.cursor).toBe(0);
  });

  it('refuses to deliver to an internal address unless node.json allows its range', async () => {
    const sub = subscribe();
    commit(event('receiving'));
    await worker({ policy: new DestPolicy() }).runDue();
    expect(receiver.deliveries).toHaveLength(0);
    expect(subscription(sub.id)?.lastError).toMatch(/^request failed: .*127\.0\.0\.1 is a loopback address/);
    expect(subscription(sub.id)?.cursor).toBe(0);
    // Another allowed range does not allow loopback.
    await worker({ policy: new DestPolicy({ allow: ['10.0.0.0/8'] }) }).runDue();
    now += 60_000;
    await worker({ policy: new DestPolicy({ allow: ['10.0.0.0/8'] }) }).runDue();
    expect(receiver.deliveries).toHaveLength(0);
  });

  it('connects to the address it checked, resolving the name once per delivery (DNS rebinding)', async () => {
    const port = new URL(receiver.url).port;
    // First answer: loopback (allowed here, standing in for a public receiver); later answers: an
    // address the delivery must never reach. Re-resolving at connect time would go there.
    const answers = [['127.0.0.1'], ['10.255.255.1']];
    const asked: string[] = [];
    const policy = new DestPolicy({
      allow: ['127.0.0.0/8', '10.0.0.0/8'],
      resolve: async (host) => {
        asked.push(host);
        return answers.shift() ?? ['10.255.255.1'];
      },
    });
    const sub = subscribe(`http://receiver.test:${port}/hook`);
    commit(event('receiving'));
    await worker({ policy, timeoutMs: 2_000 }).runDue();
    expect(asked).toEqual(['receiver.test']);
    expect(receiver.deliveries).toHaveLength(1);
    expect(receiver.deliveries[0]?.headers.host).toBe(`receiver.test:${port}`);
    expect(subscription(sub.id)?.attempts).toBe(0);

    // The name now resolves to an address no allowance covers: refused before any connection.
    const strict = new DestPolicy({ allow: ['127.0.0.0/8'], resolve: async () => ['127.0.0.1', '10.0.0.7'] });
    commit(event('receiving'));
    await worker({ policy: strict }).runDue();
    expect(receiver.deliveries).toHaveLength(1);
    expect(subscription(sub.id)?.lastError).toMatch(/10\.0\.0\.7 is a private address/);
  });

  it('backs off from 1 s doubling to at most 5 min, with jitter in the upper half', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 0))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelay(9, 0.999_999)).toBeLessThan(256_000);
    expect(retryDelay(30, 0)).toBe(150_000);
    expect(retryDelay(30, 0.999_999)).toBeLessThan(300_000);
  });

  it('resumes from the persisted cursor after a stop mid-delivery and a reopened store', async () => {
    const sub = subscribe();
    const receipts = [1, 2, 3, 4, 5].map(() => event('receiving'));
    commit(...receipts);
    receiver.script.push(200, 'hold');
    const first = worker();
    const run = first.runDue();
    await waitForDeliveries(2);
    await first.stop(); // the held POST is aborted: events 3 and 4 were sent, never acknowledged
    await run;
    expect(receiver.acceptedEventIDs()).toEqual([receipts[0]?.eventID, receipts[1]?.eventID]);
    const cursor = subscription(sub.id)?.cursor;
    expect(subscription(sub.id)?.attempts).toBe(0); // a stop is no failed delivery

    ledger.reopen();
    expect(subscription(sub.id)?.cursor).toBe(cursor);
    await worker().runDue();
    expect(receiver.acceptedEventIDs()).toEqual(receipts.map((e) => e.eventID));
    // The aborted batch was sent again, whole: at least once, nothing skipped.
    expect(eventIDsOf(receiver.deliveries[1]?.body as Buffer)).toEqual(
      eventIDsOf(receiver.deliveries[2]?.body as Buffer),
    );
  });

  it('stops delivering once the subscription or its named query is deleted', async () => {
    const sub = subscribe();
    const other = subscribe();
    ledger.store.index.subscriptions.remove('receipts', sub.id);
    commit(event('receiving'));
    await worker().runDue();
    expect(receiver.deliveries.map((d) => d.headers['gs1-epcis-subscription-id'])).toEqual([other.id]);
    ledger.store.index.namedQueries.remove('receipts');
    expect(subscription(other.id)).toBeUndefined(); // cascaded
    commit(event('receiving'));
    await worker().runDue();
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('looks at due subscriptions on its timer, so a missed wake-up or a retry is not lost', async () => {
    subscribe();
    worker({ intervalMs: 10 }).start();
    await new Promise((r) => setTimeout(r, 30)); // its first look found nothing
    expect(receiver.deliveries).toHaveLength(0);
    commit(event('receiving'), event('shipping')); // no wake() here: the timer must find them
    expect(ledger.store.index.subscriptions.lag()).toBe(2);
    await waitForDeliveries(1);
    await waitFor('the cursor after the delivery', () => ledger.store.index.subscriptions.lag() === 0);
  });

  it('wakes after a commit without blocking the caller', async () => {
    subscribe();
    const w = worker();
    commit(event('receiving'));
    w.wake();
    expect(receiver.deliveries).toHaveLength(0); // wake() only schedules
    await waitForDeliveries(1);
  });
});

async function waitForDeliveries(n: number): Promise<void> {
  for (let i = 0; i < 200 && receiver.deliveries.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  expect(receiver.deliveries.length).toBeGreaterThanOrEqual(n);
}
