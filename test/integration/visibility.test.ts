import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, FAST_CONSENSUS } from '../support/cluster.js';
import { epcisDocument } from '../support/supply-chain.js';
import { waitFor } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook.js';

// Who sees what (issue 14, scope 3; docs/privacy.md) across four node processes under the shipped
// custody rules: a grower (A) ships a case to a packer (B), which ships it on to a retailer (D);
// a competing carrier (C) never touches it. C's token must find nothing of it at any node, exactly
// as if it did not exist; B sees the shipment whole; D's backward trace reaches A's commissioning.

const A = 'greenfield-farms';
const B = 'valley-packers';
const C = 'swift-logistics';
const D = 'freshmart';
const ORGS = [A, B, C, D];
// Cluster.create gives org i the party urn:epc:id:pgln:061414<i>.00001.
const party = (i: number) => `urn:epc:id:pgln:061414${i}.00001`;
const enc = encodeURIComponent;
const MARKER = `MK-PO-${randomUUID()}`;

const serial = () => Math.floor(Math.random() * 1e9);
const CASE = `urn:epc:id:sgtin:0614141.107346.${serial()}`;
const C_CASE = `urn:epc:id:sgtin:0614141.107346.${serial()}`;

function event(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventID: `urn:uuid:${randomUUID()}`,
    eventTime: '2026-05-01T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    ...fields,
  };
}
const commission = (epc: string) =>
  event({ epcList: [epc], action: 'ADD', bizStep: 'commissioning', disposition: 'active' });
const ship = (epc: string, to: number, extra: Record<string, unknown> = {}) =>
  event({
    epcList: [epc],
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    destinationList: [{ type: 'possessing_party', destination: party(to) }],
    ...extra,
  });
const receive = (epc: string) =>
  event({ epcList: [epc], action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress' });

/** A problem body without `instance` (the request id, different on every request). */
async function problem(res: Response): Promise<Record<string, unknown>> {
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const { instance: _, ...body } = (await res.json()) as Record<string, unknown>;
  return body;
}

describe('who sees what, across a four-node cluster', () => {
  let cluster: Cluster;
  let receiver: WebhookReceiver;
  const made = commission(CASE);
  const shipped = ship(CASE, 1, {
    bizTransactionList: [{ type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:0614141000029:${MARKER}` }],
  });
  const atPacker = receive(CASE);
  const onward = ship(CASE, 3);
  const atRetailer = receive(CASE);
  const cMade = commission(C_CASE);
  const cShipped = ship(C_CASE, 3);
  let shipCapture = '';

  const token = (org: string) => cluster.node(org).token;
  /** A GET at `node` with `as`'s token. */
  const get = (node: string, path: string, as: string) => cluster.request(node, path, {}, token(as));

  async function capture(org: string, events: unknown[]): Promise<string> {
    const res = await cluster.capture(org, epcisDocument(events));
    expect(res.status, await res.clone().text()).toBe(202);
    const location = res.headers.get('location') ?? '';
    const job = await waitFor(`capture on ${org}`, async () => {
      const { body } = await cluster.json<{ running: boolean; success: boolean }>(org, location);
      return body.running === false ? body : undefined;
    });
    expect(job, JSON.stringify(job)).toMatchObject({ success: true });
    return decodeURIComponent(location.split('/').pop() ?? '');
  }

  async function eventIDs(node: string, path: string, as: string): Promise<string[]> {
    const res = await get(node, path, as);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    const doc = (await res.json()) as {
      epcisBody: { queryResults: { resultsBody: { eventList: Array<{ eventID: string }> } } };
    };
    return doc.epcisBody.queryResults.resultsBody.eventList.map((e) => e.eventID);
  }

  beforeAll(async () => {
    cluster = await Cluster.create(4, FAST_CONSENSUS);
    const configPath = cluster.node(C).configPath;
    const file = JSON.parse(readFileSync(configPath, 'utf8'));
    writeFileSync(
      configPath,
      JSON.stringify({ ...file, subscriptions: { allowedDestinations: ['127.0.0.0/8'] } }),
    );
    await cluster.startAll();
    receiver = await WebhookReceiver.start();
    // C subscribes to shipments before any is captured: its webhook must only ever get its own.
    const query = await cluster.request(C, '/queries', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shipments', query: { EQ_bizStep: 'shipping' } }),
    });
    expect(query.status, await query.clone().text()).toBe(201);
    const sub = await cluster.request(C, '/queries/shipments/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dest: receiver.url, stream: true }),
    });
    expect(sub.status, await sub.clone().text()).toBe(201);

    await capture(A, [made]);
    shipCapture = await capture(A, [shipped]);
    await capture(B, [atPacker]);
    await capture(B, [onward]);
    await capture(D, [atRetailer]);
    await capture(C, [cMade]);
    await capture(C, [cShipped]);
    // Every node has committed the last block before anything is read at it.
    for (const node of ORGS) {
      await waitFor(
        `${node} has C's shipment`,
        async () => (await get(node, `/events/${enc(cShipped.eventID as string)}`, C)).status === 200,
      );
    }
  }, 240_000);

  afterAll(async () => {
    await cluster?.destroy();
    await receiver?.close();
  });

  it("answers C's token on every route naming A's shipment exactly as for an unknown id, at every node", async () => {
    const id = shipped.eventID as string;
    const unknown = `urn:uuid:${randomUUID()}`;
    const unknownCase = `urn:epc:id:sgtin:0614141.107346.${serial()}`;
    const routes: Array<[string, string]> = [
      [`/events/${enc(id)}`, `/events/${enc(unknown)}`],
      [`/events/${enc(id)}/status`, `/events/${enc(unknown)}/status`],
      [`/events/${enc(id)}/proof`, `/events/${enc(unknown)}/proof`],
      [`/capture/${enc(shipCapture)}`, `/capture/${'ab'.repeat(32)}`],
      [`/objects/${enc(CASE)}`, `/objects/${enc(unknownCase)}`],
      [`/objects/${enc(CASE)}?proof=true`, `/objects/${enc(unknownCase)}?proof=true`],
      [`/objects/${enc(CASE)}/trace`, `/objects/${enc(unknownCase)}/trace`],
      [`/objects/${enc(CASE)}/trace.csv`, `/objects/${enc(unknownCase)}/trace.csv`],
      [`/epcs/${enc(CASE)}`, `/epcs/${enc(unknownCase)}`],
    ];
    for (const node of ORGS) {
      for (const [hidden, missing] of routes) {
        const [a, b] = [await get(node, hidden, C), await get(node, missing, C)];
        expect(a.status, `${node} ${hidden}`).toBe(404);
        expect(b.status, `${node} ${missing}`).toBe(404);
        expect(await problem(a), `${node} ${hidden}`).toEqual(await problem(b));
      }
    }
  }, 120_000);

  it("keeps A's and B's events out of C's lists, queries, discovery and counts", async () => {
    const theirs = [made, shipped, atPacker, onward, atRetailer].map((e) => e.eventID as string);
    const mine = [cMade.eventID as string, cShipped.eventID as string];
    for (const node of ORGS) {
      expect(await eventIDs(node, '/events', C)).toEqual(mine);
      expect(await eventIDs(node, '/events?EQ_bizStep=shipping', C)).toEqual([cShipped.eventID]);
      expect(await eventIDs(node, `/events?MATCH_anyEPC=${enc(CASE)}`, C)).toEqual([]);
      expect(await eventIDs(node, `/epcs/${enc(CASE)}/events`, C)).toEqual([]);
      expect(await eventIDs(node, '/bizSteps/shipping/events', C)).toEqual([cShipped.eventID]);
      expect(await eventIDs(node, '/eventTypes/ObjectEvent/events', C)).toEqual(mine);
      // Three shipments are committed, one is C's: maxEventCount counts only what C may see.
      expect(await eventIDs(node, '/events?EQ_bizStep=shipping&maxEventCount=1', C)).toEqual([
        cShipped.eventID,
      ]);
      const epcs = (await (await get(node, '/epcs', C)).json()) as { member: string[] };
      expect(epcs.member.join(' ')).not.toContain(CASE.split('.').pop());
      const steps = (await (await get(node, '/bizSteps', C)).json()) as { member: string[] };
      expect(steps.member.sort()).toEqual(['commissioning', 'shipping']);
      const rejections = (await (await get(node, '/rejections', C)).json()) as { rejections: unknown[] };
      expect(rejections.rejections).toEqual([]);
      const jobs = (await (await get(node, '/capture', C)).json()) as Array<{ captureID: string }>;
      // C's two committed capture jobs, at every node; none of A's, B's or D's.
      expect(jobs.length, node).toBe(2);
      const alerts = (await (await get(node, '/alerts', C)).json()) as { alerts: unknown[] };
      expect(alerts.alerts).toEqual([]);
    }
    // A owns the case throughout (no owning_party moved it), so A receives every event about it,
    // at C's node as at its own; B receives from the shipment to it on; D from the one to it.
    for (const node of [A, C]) {
      expect(await eventIDs(node, '/events', A)).toEqual(theirs);
      expect(await eventIDs(node, '/events', B)).toEqual(theirs.slice(1));
      // D is also the destination of C's own shipment.
      expect(await eventIDs(node, '/events', D)).toEqual([...theirs.slice(3), cShipped.eventID]);
    }
  }, 120_000);

  it('binds page tokens to the org that got them', async () => {
    const first = await get(A, '/events?perPage=1', A);
    expect(first.status).toBe(200);
    const link = first.headers.get('link') ?? '';
    const next = /<([^>]+)>/.exec(link)?.[1] ?? '';
    expect(next).toContain('nextPageToken=');
    expect((await get(A, next, A)).status).toBe(200);
    const stolen = await get(A, next, C);
    expect(stolen.status).toBe(400);
    expect((await problem(stolen)).code).toBe('QUERY_PARAMETER_INVALID');
  });

  it("delivers to C's subscription only what C may see", async () => {
    await waitFor(
      'C receives its own shipment',
      () => receiver.acceptedEventIDs().includes(cShipped.eventID as string),
      30_000,
    );
    expect(receiver.acceptedEventIDs()).toEqual([cShipped.eventID]);
  });

  it('shows B the shipment whole, at its own node and at the others', async () => {
    for (const node of [B, C]) {
      const res = await get(node, `/events/${enc(shipped.eventID as string)}`, B);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(MARKER);
      expect((await get(node, `/events/${enc(shipped.eventID as string)}/proof`, B)).status).toBe(200);
      expect(await eventIDs(node, '/events?EQ_bizStep=shipping', B)).toEqual([
        shipped.eventID,
        onward.eventID,
      ]);
    }
    // A capture job is its capturer's: B does not see A's.
    expect((await get(A, `/capture/${enc(shipCapture)}`, B)).status).toBe(404);
    expect((await get(A, `/capture/${enc(shipCapture)}`, A)).status).toBe(200);
  });

  it("lets the retailer's backward trace reach the grower's commissioning event", async () => {
    for (const node of [D, C]) {
      const res = await get(node, `/objects/${enc(CASE)}/trace?direction=backward`, D);
      expect(res.status, await res.clone().text()).toBe(200);
      const trace = (await res.json()) as { custody: Array<{ eventID: string; org: string }> };
      expect(trace.custody.map((s) => s.eventID)).toEqual(
        [made, shipped, atPacker, onward, atRetailer].map((e) => e.eventID),
      );
      expect(trace.custody[0]?.org).toBe(A);
      // Not a recipient of A's commissioning, D reads it by id as a holder of the case since.
      expect((await get(node, `/events/${enc(made.eventID as string)}`, D)).status).toBe(200);
      // D's lists hold only what it receives: the onward shipment to it and its receipt.
      expect(await eventIDs(node, `/epcs/${enc(CASE)}/events`, D)).toEqual([
        onward.eventID,
        atRetailer.eventID,
      ]);
    }
    const csv = await get(D, `/objects/${enc(CASE)}/trace.csv?direction=backward`, D);
    expect(csv.status).toBe(200);
    // The FSMA sheet's first critical tracking event is A's commissioning (harvesting), by eventID.
    const rows = (await csv.text()).trim().split('\n').slice(1);
    expect(rows[0]).toContain(made.eventID as string);
    expect(rows).toHaveLength(5);
  });
});
