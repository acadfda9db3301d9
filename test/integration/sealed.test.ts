import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, Cluster, FAST_CONSENSUS } from '../support/cluster.js';
import { waitFor } from '../support/wait.js';

// Issue 14 acceptance, sealed tier: four node processes from `waybill network init` (sealed by
// default). Org A ships to B with markers in a purchase order, an ilmd attribute, an extension
// field and a non-member destination; after commit no marker is in the bytes of C's and D's
// SQLite files, WAL or logs, and every marker is in A's and B's. B's node serves the event whole
// and a disclosure proof that `waybill verify` checks offline.

const run = promisify(execFile);
const tag = Date.now().toString(36);
const MARK = { po: `MK-PO-${tag}`, ilmd: `MK-ILMD-${tag}`, ext: `MK-EXT-${tag}`, cust: `MK-CUST-${tag}` };
const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/epcis-context.jsonld',
  { example: 'https://example.com/voc/' },
];
const EPC = `urn:epc:id:sgtin:0614140.107346.${tag}`;
const OTHER_EPC = `urn:epc:id:sgtin:0614140.107346.${tag}9`;
const partyOf = (i: number) => `urn:epc:id:pgln:061414${i}.00001`;
const siteOf = (i: number) => `urn:epc:id:sgln:061414${i}.00001.0`;

function doc(events: Record<string, unknown>[]) {
  return {
    '@context': CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-06-01T06:00:00.000Z',
    epcisBody: { eventList: events },
  };
}

const commission = (epc: string, n: number) => ({
  type: 'ObjectEvent',
  eventID: `urn:uuid:00000000-0000-4000-8000-${tag.padStart(10, '0')}0${n}`,
  eventTime: '2026-06-01T06:00:00.000Z',
  eventTimeZoneOffset: '+00:00',
  action: 'ADD',
  bizStep: 'commissioning',
  disposition: 'active',
  epcList: [epc],
  readPoint: { id: siteOf(0) },
});

const SHIPMENT_ID = `urn:uuid:00000000-0000-4000-8000-${tag.padStart(10, '0')}09`;
const shipment = {
  type: 'ObjectEvent',
  eventID: SHIPMENT_ID,
  eventTime: '2026-06-01T07:00:00.000Z',
  eventTimeZoneOffset: '+00:00',
  // ADD so the event may carry ilmd (EPCIS 2.0 allows ilmd only there).
  action: 'ADD',
  bizStep: 'shipping',
  disposition: 'in_transit',
  epcList: [EPC],
  readPoint: { id: siteOf(0) },
  sourceList: [{ type: 'possessing_party', source: partyOf(0) }],
  destinationList: [
    { type: 'possessing_party', destination: partyOf(1) },
    { type: 'location', destination: `urn:epc:id:sgln:0614199.00001.${MARK.cust}` },
  ],
  bizTransactionList: [{ type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:0614140000029:${MARK.po}` }],
  ilmd: { 'example:lot': MARK.ilmd },
  'example:price': MARK.ext,
};

/** Every byte of a node's data directory (SQLite file, WAL, anything else) and its log. */
function bytesOf(cluster: Cluster, org: string): string {
  const dir = cluster.node(org).dataDir;
  const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1'));
  return [...files, readFileSync(join(cluster.dir, `${org}.log`)).toString('latin1')].join('\n');
}

async function verify(genesis: string, proof: unknown) {
  const path = join(process.env.TMPDIR ?? '/tmp', `proof-${tag}-${Math.random()}.json`);
  writeFileSync(path, JSON.stringify(proof));
  try {
    const { stdout } = await run(process.execPath, [BIN, 'verify', '--genesis', genesis, path]);
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  } finally {
    rmSync(path, { force: true });
  }
}

describe('a sealed network keeps commercial fields off non-parties’ disks', () => {
  let cluster: Cluster;
  let A: string;
  let B: string;
  let C: string;
  let D: string;

  beforeAll(async () => {
    cluster = await Cluster.create(4, FAST_CONSENSUS, { privacy: 'sealed' });
    [A, B, C, D] = cluster.nodes.map((n) => n.org) as [string, string, string, string];
    await startAll();
  }, 300_000);

  // Start-up alone takes tens of seconds when the machine is shared: wait longer than startAll does.
  async function startAll(): Promise<void> {
    for (const n of cluster.nodes) cluster.start(n.org);
    await Promise.all(cluster.nodes.map((n) => cluster.waitReady(n.org, 240_000)));
  }

  afterAll(async () => {
    await cluster?.destroy();
  });

  async function captureAndWait(org: string, document: unknown): Promise<Record<string, unknown>> {
    const res = await cluster.capture(org, document);
    expect(res.status, await res.clone().text()).toBe(202);
    const location = res.headers.get('location') ?? '';
    return waitFor(`capture on ${org}`, async () => {
      const { body } = await cluster.json<{ running: boolean }>(org, location);
      return body.running === false ? body : undefined;
    });
  }

  it('commits the shipment everywhere, whole at B, public view elsewhere; markers only on A’s and B’s disks', async () => {
    expect(await captureAndWait(A, doc([commission(EPC, 1), commission(OTHER_EPC, 2)]))).toMatchObject({
      success: true,
    });
    const job = await captureAndWait(A, doc([shipment]));
    expect(job).toMatchObject({ success: true });
    // A retry of the same document is the same capture, although sealing is random.
    const again = await cluster.capture(A, doc([shipment]));
    expect(again.headers.get('location')).toBe(
      `/capture/${String((job as { captureID: string }).captureID)}`,
    );

    const whole = await waitFor('B holds the sealed fields', async () => {
      const { status, body } = await cluster.json<Record<string, unknown>>(
        B,
        `/events/${encodeURIComponent(SHIPMENT_ID)}`,
      );
      return status === 200 && JSON.stringify(body).includes(MARK.po) ? body : undefined;
    });
    const text = JSON.stringify(whole);
    for (const m of Object.values(MARK)) expect(text).toContain(m);

    const atC = await cluster.request(
      C,
      `/events/${encodeURIComponent(SHIPMENT_ID)}`,
      {},
      cluster.node(B).token,
    );
    if (atC.status === 200) {
      const view = JSON.stringify(await atC.json());
      for (const m of Object.values(MARK)) expect(view).not.toContain(m);
      expect(view).toContain('"held":false');
    } else expect(atC.status).toBe(404);

    for (const org of [C, D])
      await waitFor(`${org} committed`, async () => (await cluster.height(org)) >= (await cluster.height(A)));
    await waitFor('A holds the sealed fields', async () =>
      JSON.stringify((await cluster.json(A, `/events/${encodeURIComponent(SHIPMENT_ID)}`)).body).includes(
        MARK.ext,
      ),
    );
    for (const org of cluster.nodes.map((n) => n.org)) await cluster.stop(org);
    for (const org of [C, D]) {
      const bytes = bytesOf(cluster, org);
      for (const m of Object.values(MARK)) expect(bytes.includes(m), `${m} on ${org}`).toBe(false);
    }
    for (const org of [A, B]) {
      const bytes = bytesOf(cluster, org);
      for (const m of Object.values(MARK)) expect(bytes.includes(m), `${m} on ${org}`).toBe(true);
    }
    await startAll();
  }, 600_000);

  it('B discloses the purchase order to an auditor; waybill verify checks it offline and every tampering fails as disclosure', async () => {
    const genesis = join(cluster.dir, 'net', 'genesis.json');
    const path = `/events/${encodeURIComponent(SHIPMENT_ID)}/proof?disclose=bizTransactionList/0`;
    const res = await cluster.request(B, path);
    expect(res.status).toBe(200);
    const proof = (await res.json()) as Record<string, unknown> & { disclosures: Record<string, unknown>[] };
    expect(proof.format).toBe('waybill-proof/v2');
    const ok = await verify(genesis, proof);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(MARK.po);
    expect(ok.stdout).not.toContain(MARK.ilmd);

    const [d] = proof.disclosures;
    const tampered = [
      { ...d, value: { type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614140000029:PO-OTHER' } },
      { ...d, salt: '00'.repeat(16) },
      { ...d, path: 'bizTransactionList/1' },
      { ...d, index: ((d?.index as number) + 1) % (d?.count as number) },
    ];
    for (const bad of tampered) {
      const out = await verify(genesis, { ...proof, disclosures: [bad] });
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('FAILED disclosure');
    }
    // The disclosure grafted onto another event's proof.
    const other = (await (
      await cluster.request(A, `/events/${encodeURIComponent(commission(EPC, 1).eventID)}/proof`)
    ).json()) as Record<string, unknown>;
    const grafted = await verify(genesis, {
      ...other,
      format: 'waybill-proof/v2',
      disclosures: proof.disclosures,
    });
    expect(grafted.code).toBe(1);
    expect(grafted.stderr).toContain('FAILED disclosure');

    // A node that does not hold the sealed fields cannot disclose them.
    const atC = await cluster.request(C, path, {}, cluster.node(C).token);
    expect([404]).toContain(atC.status);
  }, 120_000);

  it("a downstream member sees the shipment's public view, even at a node that holds the rest", async () => {
    const event = (n: number, fields: Record<string, unknown>) => ({
      type: 'ObjectEvent',
      eventID: `urn:uuid:00000000-0000-4000-8000-${tag.padStart(10, '0')}2${n}`,
      eventTime: `2026-06-01T0${7 + n}:00:00.000Z`,
      eventTimeZoneOffset: '+00:00',
      action: 'OBSERVE',
      epcList: [EPC],
      readPoint: { id: siteOf(1) },
      ...fields,
    });
    const received = event(1, {
      bizStep: 'receiving',
      disposition: 'in_progress',
      destinationList: [{ type: 'possessing_party', destination: partyOf(1) }],
    });
    const onward = event(2, {
      bizStep: 'shipping',
      disposition: 'in_transit',
      sourceList: [{ type: 'possessing_party', source: partyOf(1) }],
      destinationList: [{ type: 'possessing_party', destination: partyOf(3) }],
    });
    expect(await captureAndWait(B, doc([received, onward]))).toMatchObject({ success: true });
    // D now holds goods of the shipment's lineage: it may read A's shipment, as its public view only,
    // at B's node too, which holds the sealed fields for B.
    const atB = await waitFor('D reads the shipment at B', async () => {
      const res = await cluster.request(
        B,
        `/events/${encodeURIComponent(SHIPMENT_ID)}`,
        {},
        cluster.node(D).token,
      );
      return res.status === 200 ? JSON.stringify(await res.json()) : undefined;
    });
    for (const m of Object.values(MARK)) expect(atB).not.toContain(m);
    expect(atB).toContain('"held":false');
    // Nor does any other route that renders the event give D its sealed fields there: the trace
    // (custody chain), the FSMA 204 sheet (purchase orders, parties), a disclosure proof.
    const asD = (path: string) => cluster.request(B, path, {}, cluster.node(D).token);
    const object = encodeURIComponent(EPC);
    const trace = await asD(`/objects/${object}/trace?direction=backward`);
    expect(trace.status).toBe(200);
    const traced = await trace.text();
    expect(traced).toContain(SHIPMENT_ID);
    const csv = await asD(`/objects/${object}/trace.csv?direction=backward`);
    expect(csv.status).toBe(200);
    const sheet = await csv.text();
    expect(sheet).toContain('shipping');
    for (const m of Object.values(MARK)) {
      expect(traced).not.toContain(m);
      expect(sheet).not.toContain(m);
    }
    const proof = await asD(`/events/${encodeURIComponent(SHIPMENT_ID)}/proof?disclose=bizTransactionList/0`);
    expect(proof.status).toBe(404);
    const problem = await proof.text();
    expect(JSON.parse(problem)).toMatchObject({ code: 'SEALED_NOT_HELD' });
    expect(problem).not.toContain(MARK.po);
    // B, a recipient, gets its sealed fields in the same sheet at its own node.
    const own = await cluster.request(B, `/objects/${object}/trace.csv?direction=backward`);
    expect(await own.text()).toContain(MARK.po);
    // B itself still reads it whole there.
    const whole = await cluster.json(B, `/events/${encodeURIComponent(SHIPMENT_ID)}`);
    expect(JSON.stringify(whole.body)).toContain(MARK.po);
  }, 300_000);

  it('B recovers its sealed data from the ciphertexts after losing its disk', async () => {
    await cluster.stop(B);
    rmSync(cluster.node(B).dataDir, { recursive: true, force: true });
    cluster.start(B);
    await cluster.waitReady(B, 240_000);
    await waitFor(
      'B serves the shipment whole again',
      async () => {
        const { status, body } = await cluster.json(B, `/events/${encodeURIComponent(SHIPMENT_ID)}`);
        return status === 200 && JSON.stringify(body).includes(MARK.ilmd);
      },
      120_000,
    );
  }, 400_000);
});
