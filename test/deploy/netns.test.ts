import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGenesis } from '../../services/config/index.js';
import { Cluster, FAST_CONSENSUS } from '../support/cluster.js';
import { commissioningDocument, eventIdsOf } from '../support/documents.js';
import { TestHosts } from '../support/netns.js';
import { waitFor } from '../support/wait.js';
import { ROOT } from './support.js';

// Each organisation's node on a host of its own: a network namespace with its own address, so
// nothing relies on every node being 127.0.0.1. Needs root and iproute2; CI has both and must
// run it, elsewhere it is skipped with the reason.

const run = promisify(execFile);
const unavailable = TestHosts.unavailable();
const required = process.env.CI === 'true';
if (unavailable && !required) console.warn(`netns.test skipped: ${unavailable}`);

interface EventStatus {
  status: string;
  blockHeight: number;
  blockHash: string;
  txId: string;
  org: string;
}

describe.runIf(!unavailable || required)('four organisations on four hosts (network namespaces)', () => {
  let hosts: TestHosts | undefined;
  let cluster: Cluster | undefined;
  const started = Date.now();

  beforeAll(async () => {
    if (unavailable) throw new Error(`CI must run the namespace test, but ${unavailable}`);
    hosts = TestHosts.create(4);
    const { addresses } = hosts;
    cluster = await Cluster.create(4, FAST_CONSENSUS, {
      hosts: addresses,
      launcher: (i) => hosts?.exec(i) ?? [],
    });
    await cluster.startAll();
  }, 90_000);

  afterAll(async () => {
    await cluster?.destroy();
    const problems = hosts?.destroy() ?? [];
    console.log(`netns.test: ${((Date.now() - started) / 1000).toFixed(1)} s from setup to teardown`);
    expect(problems).toEqual([]);
  }, 30_000);

  const c = () => cluster as Cluster;

  it('puts every member at its own address, none of them loopback, and every node sees its three peers', async () => {
    const genesis = readGenesis(join(c().dir, 'net', 'genesis.json'));
    expect(genesis.members.map((m) => m.host)).toEqual(hosts?.addresses);
    for (const m of genesis.members) expect(m.host).toMatch(/^10\.203\.\d+\.\d+$/);
    for (const n of c().nodes) {
      const status = await waitFor(`${n.org} connected to 3 peers`, async () => {
        const s = await c().status(n.org);
        return s.peers.filter((p) => p.connected).length === 3 ? s : undefined;
      });
      expect(status.org).toBe(n.org);
    }
  });

  it('orders an event captured at one host into the same block on all four', async () => {
    const doc = commissioningDocument(1, 'urn:epc:id:sgln:0614142.00001.0');
    const res = await c().capture('valley-packers', doc);
    expect(res.status).toBe(202);
    const [id = ''] = eventIdsOf(doc);
    const statuses = await Promise.all(
      c().nodes.map((n) =>
        waitFor(
          `${id} on ${n.org}`,
          async () => {
            const r = await c().json<EventStatus>(n.org, `/events/${encodeURIComponent(id)}/status`);
            return r.body.status === 'accepted' ? r.body : undefined;
          },
          30_000,
        ),
      ),
    );
    const [first] = statuses;
    expect(first).toMatchObject({ status: 'accepted', org: 'valley-packers' });
    for (const s of statuses) {
      expect({ height: s.blockHeight, hash: s.blockHash, tx: s.txId }).toEqual({
        height: first?.blockHeight,
        hash: first?.blockHash,
        tx: first?.txId,
      });
    }
    for (const n of c().nodes) {
      const event = await c().json(n.org, `/events/${encodeURIComponent(id)}`);
      expect(event.status).toBe(200);
      expect(event.body.eventID).toBe(id);
    }
  });

  it("passes the container's health probe on each host", async () => {
    for (const n of c().nodes) {
      const probe = [...(hosts?.exec(n.index) ?? []), process.execPath, 'dist/services/cli/healthcheck.js'];
      const { stderr } = await run(probe[0] as string, probe.slice(1), {
        cwd: ROOT,
        env: { ...process.env, WAYBILL_CONFIG: n.configPath },
        timeout: 10_000,
      });
      expect(stderr).toBe('');
    }
  });
});
