import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../services/subscriptions/index.js';
import { Cluster, FAST_CONSENSUS } from '../support/cluster.js';
import { epcisDocument } from '../support/supply-chain.js';
import { waitFor } from '../support/wait.js';
import { eventIDsOf, WebhookReceiver } from '../support/webhook.js';

// A webhook subscription at one node of a real four-node cluster: events captured at other nodes
// reach the receiver signed, and keep reaching it across a restart of the subscribing node,
// including events committed while it was down.

const SUBSCRIBER = 'swift-logistics';
const TOKEN = 'integration-secret-5aa3-4403';

function receiving(): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventID: `urn:uuid:${randomUUID()}`,
    eventTime: '2026-04-20T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep: 'receiving',
    epcList: [`urn:epc:id:sgtin:0614141.107346.${Math.floor(Math.random() * 1e9)}`],
  };
}

const shipping = () => ({ ...receiving(), bizStep: 'shipping' });
const idsOf = (events: Array<Record<string, unknown>>) => events.map((e) => e.eventID as string);

describe('query subscriptions across a four-node cluster', () => {
  let cluster: Cluster;
  let receiver: WebhookReceiver;

  async function capture(org: string, events: unknown[]): Promise<void> {
    const res = await cluster.capture(org, epcisDocument(events));
    expect(res.status, await res.clone().text()).toBe(202);
    const location = res.headers.get('location') ?? '';
    const job = await waitFor(`capture on ${org}`, async () => {
      const { body } = await cluster.json<{ running: boolean; success: boolean }>(org, location);
      return body.running === false ? body : undefined;
    });
    expect(job.success).toBe(true);
  }

  /** Waits until the receiver has acknowledged `ids` (in this order, after what it had). */
  async function received(ids: string[]): Promise<void> {
    await waitFor(
      `webhook deliveries of ${ids.length} events`,
      () => ids.every((id) => receiver.acceptedEventIDs().includes(id)),
      30_000,
    );
  }

  beforeAll(async () => {
    const open = mkdtempSync(join(tmpdir(), 'waybill-open-rules-'));
    writeFileSync(join(open, 'open.yaml'), 'rules: []\n');
    // The subscriber holds an auditor grant: it receives every event, wherever it was captured
    // (docs/privacy.md); without it, it would see only what concerns its own org.
    cluster = await Cluster.create(4, FAST_CONSENSUS, {
      contracts: open,
      grants: [{ org: SUBSCRIBER, role: 'auditor' }],
    });
    // The receiver runs on loopback: the subscribing node's operator allows that range explicitly.
    const configPath = cluster.node(SUBSCRIBER).configPath;
    const file = JSON.parse(readFileSync(configPath, 'utf8'));
    writeFileSync(
      configPath,
      JSON.stringify({ ...file, subscriptions: { allowedDestinations: ['127.0.0.0/8'] } }),
    );
    await cluster.startAll();
    receiver = await WebhookReceiver.start();
  }, 120_000);

  afterAll(async () => {
    await cluster?.destroy();
    await receiver?.close();
  });

  it('delivers matching events captured elsewhere, signed, and resumes after a restart', async () => {
    const query = await cluster.request(SUBSCRIBER, '/queries', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'receipts', query: { EQ_bizStep: 'receiving' } }),
    });
    expect(query.status, await query.clone().text()).toBe(201);
    const sub = await cluster.request(SUBSCRIBER, '/queries/receipts/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dest: receiver.url, signatureToken: TOKEN, stream: true }),
    });
    expect(sub.status, await sub.clone().text()).toBe(201);
    const { subscriptionID } = (await sub.json()) as { subscriptionID: string };

    const first = [receiving(), receiving()];
    await capture('greenfield-farms', [first[0], shipping(), first[1]]);
    await received(idsOf(first));
    for (const d of receiver.deliveries) {
      expect(verifySignature(d.body, TOKEN, d.headers['gs1-signature'] as string)).toBe(true);
      expect(d.headers['gs1-epcis-subscription-id']).toBe(subscriptionID);
    }
    const metrics = await cluster.metrics(SUBSCRIBER);
    expect(metrics?.get('waybill_subscription_deliveries_total{outcome="delivered"}')).toBeGreaterThan(0);
    expect(metrics?.get('waybill_subscription_lag_events')).toBe(0);

    // Down while events commit at the other three; up again, it catches up and delivers them.
    await cluster.stop(SUBSCRIBER);
    const whileDown = [receiving()];
    await capture('valley-packers', [shipping(), ...whileDown]);
    cluster.start(SUBSCRIBER);
    await cluster.waitReady(SUBSCRIBER);
    await received(idsOf(whileDown));

    const after = [receiving()];
    await capture('freshmart', after);
    await received(idsOf(after));

    const accepted = receiver.acceptedEventIDs();
    expect(accepted).toEqual(idsOf([...first, ...whileDown, ...after]));
    for (const d of receiver.deliveries) {
      expect(verifySignature(d.body, TOKEN, d.headers['gs1-signature'] as string)).toBe(true);
      expect(eventIDsOf(d.body).length).toBeGreaterThan(0);
    }
    const state = await cluster.json<{ failedAttempts: number; lastNotifiedAt?: string }>(
      SUBSCRIBER,
      `/queries/receipts/subscriptions/${subscriptionID}`,
    );
    expect(state.body).toMatchObject({ failedAttempts: 0 });
    expect(state.body.lastNotifiedAt).toBeDefined();
  }, 180_000);
});
