import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../support/cluster.js';
import { commissioningDocument, eventIdsOf } from '../support/documents.js';
import { waitFor } from '../support/wait.js';

// Four real node processes on loopback, as an operator runs them: `waybill network init`,
// `waybill token`, `waybill node start`. Fast timeouts keep view changes short.
const consensus = {
  proposeMs: 600,
  prevoteMs: 300,
  precommitMs: 300,
  deltaMs: 300,
  emptyBlockIntervalMs: 2_000,
};

describe('four organisations order EPCIS captures through BFT consensus', () => {
  let cluster: Cluster;
  const captured: string[] = [];

  beforeAll(async () => {
    cluster = await Cluster.create(4, consensus);
    await cluster.startAll();
  }, 90_000);

  afterAll(async () => {
    await cluster?.destroy();
  });

  async function captureAndWait(org: string, doc: ReturnType<typeof commissioningDocument>) {
    const res = await cluster.capture(org, doc);
    expect(res.status).toBe(202);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(/^\/capture\/[0-9a-f]{64}$/);
    const job = await waitFor(`capture job on ${org}`, async () => {
      const { body } = await cluster.json<{ running: boolean; success: boolean }>(org, location);
      return body.running === false ? body : undefined;
    });
    expect(job.success).toBe(true);
    captured.push(...eventIdsOf(doc));
    return location;
  }

  it('commits documents posted to different nodes and every node answers for every event', async () => {
    const docs = cluster.nodes.map((n) => ({
      org: n.org,
      doc: commissioningDocument(3, `urn:epc:id:sgln:061414${n.index}.00001.0`),
    }));
    await Promise.all(docs.map(({ org, doc }) => captureAndWait(org, doc)));
    for (const { doc } of docs) {
      for (const id of eventIdsOf(doc)) {
        for (const n of cluster.nodes) {
          const { status, body } = await waitFor(`${id} on ${n.org}`, async () => {
            const r = await cluster.json(n.org, `/events/${encodeURIComponent(id)}`);
            return r.status === 200 ? r : undefined;
          });
          expect(status).toBe(200);
          expect(body.eventID).toBe(id);
          expect(typeof body.recordTime).toBe('string');
        }
      }
    }
  });

  it('reports event status with block, transaction, org and submitter, identically on every node', async () => {
    const doc = commissioningDocument(1);
    await captureAndWait('valley-packers', doc);
    const id = eventIdsOf(doc)[0] as string;
    const statuses = await Promise.all(
      cluster.nodes.map((n) =>
        waitFor(`status on ${n.org}`, async () => {
          const r = await cluster.json<Record<string, unknown>>(
            n.org,
            `/events/${encodeURIComponent(id)}/status`,
          );
          return r.body.status === 'accepted' ? r.body : undefined;
        }),
      ),
    );
    for (const s of statuses) {
      expect(s).toEqual(statuses[0]);
      expect(s).toMatchObject({
        eventID: id,
        status: 'accepted',
        org: 'valley-packers',
        submitter: 'test-erp',
      });
      expect(s.blockHeight).toBeGreaterThan(0);
    }
  });

  it('answers a retried document with the same capture and no duplicate events', async () => {
    const doc = commissioningDocument(2);
    const first = await captureAndWait('greenfield-farms', doc);
    const again = await cluster.capture('greenfield-farms', doc);
    expect(again.status).toBe(202);
    expect(again.headers.get('location')).toBe(first);
  });

  it('keeps committing with the current leader stopped, and the leader catches up on restart', async () => {
    const { body } = await cluster.json<{ leader: string }>('freshmart', '/status');
    const leader = body.leader;
    await cluster.stop(leader);
    const others = cluster.nodes.filter((n) => n.org !== leader);
    const doc = commissioningDocument(2);
    await captureAndWait(others[0]?.org ?? '', doc);
    const before = await cluster.height(others[1]?.org ?? '');
    await captureAndWait(others[2]?.org ?? '', commissioningDocument(1));
    expect(await cluster.height(others[1]?.org ?? '')).toBeGreaterThan(before);

    cluster.start(leader);
    await cluster.waitReady(leader);
    const target = await cluster.height(others[0]?.org ?? '');
    await waitFor(`${leader} catches up to ${target}`, async () => (await cluster.height(leader)) >= target);
    const id = eventIdsOf(doc)[0] as string;
    expect((await cluster.json(leader, `/events/${encodeURIComponent(id)}`)).status).toBe(200);
  }, 60_000);

  it('holds one identical chain on every node, with every event exactly once', async () => {
    const heights = await Promise.all(cluster.nodes.map((n) => cluster.height(n.org)));
    const top = Math.max(...heights);
    await Promise.all(
      cluster.nodes.map((n) =>
        waitFor(`${n.org} at ${top}`, async () => (await cluster.height(n.org)) >= top),
      ),
    );
    await Promise.all(cluster.nodes.map((n) => cluster.stop(n.org)));
    const chains = cluster.nodes.map((n) => {
      const db = new Database(join(n.dataDir, 'ledger.sqlite'), { readonly: true });
      try {
        const blocks = db
          .prepare('SELECT height, hash FROM blocks WHERE height <= ? ORDER BY height')
          .all(top);
        const events = db.prepare('SELECT event_id AS id FROM events').all() as Array<{ id: string }>;
        return { blocks, events: events.map((e) => e.id) };
      } finally {
        db.close();
      }
    });
    const reference = chains[0];
    expect(reference?.blocks.length).toBe(top);
    for (const chain of chains) {
      expect(chain.blocks).toEqual(reference?.blocks);
      expect(new Set(chain.events).size).toBe(chain.events.length);
      for (const id of captured) expect(chain.events).toContain(id);
    }
  });
});
