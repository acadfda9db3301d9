import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, FAST_CONSENSUS } from '../support/cluster.js';
import {
  CASE1,
  CASE1_DL,
  declarationOf,
  epcisDocument,
  FARM,
  FARM_DL,
  LOT1,
  PALLET,
  PALLET_DL,
  type SupplyChain,
  supplyChain,
} from '../support/supply-chain.js';
import { waitFor } from '../support/wait.js';

// The query interface over real HTTP against four node processes: events are captured at three
// nodes and read at the fourth, which captured nothing itself.

const READER = 'swift-logistics';
const enc = encodeURIComponent;

describe('EPCIS queries and the trace, across a four-node cluster', () => {
  let cluster: Cluster;
  let chain: SupplyChain;
  const names = new Map<string, string>();

  async function captureAndWait(org: string, events: unknown[], headers: Record<string, string> = {}) {
    const res = await cluster.capture(org, epcisDocument(events), headers);
    expect(res.status, await res.clone().text()).toBe(202);
    const location = res.headers.get('location') ?? '';
    return waitFor(`capture on ${org}`, async () => {
      const { body } = await cluster.json<{ running: boolean; success: boolean }>(org, location);
      return body.running === false ? body : undefined;
    });
  }

  /** GET at `org`'s node as `as` (the reader, an auditor, unless said): a member's token works at every node. */
  async function get(path: string, org = READER, as = READER) {
    return cluster.request(org, path, {}, cluster.node(as).token);
  }

  async function eventNames(path: string, org = READER): Promise<string[]> {
    const res = await get(path, org);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    const doc = (await res.json()) as {
      type: string;
      epcisBody: { queryResults: { resultsBody: { eventList: Array<{ eventID: string }> } } };
    };
    expect(doc.type).toBe('EPCISQueryDocument');
    return doc.epcisBody.queryResults.resultsBody.eventList.map((e) => names.get(e.eventID) ?? e.eventID);
  }

  beforeAll(async () => {
    // Queries, not custody, are under test: the consortium runs without custody rules, so the
    // fixture's events need not make custody sense at these members' sites.
    const open = mkdtempSync(join(tmpdir(), 'waybill-open-rules-'));
    writeFileSync(join(open, 'open.yaml'), 'rules: []\n');
    // The reader holds an auditor grant: it receives every event, wherever it was captured
    // (docs/privacy.md); without it, it would see only what concerns its own org.
    cluster = await Cluster.create(4, FAST_CONSENSUS, {
      contracts: open,
      grants: [{ org: READER, role: 'auditor' }],
    });
    await cluster.startAll();
    chain = supplyChain('4');
    for (const [name, event] of Object.entries(chain)) names.set(event.eventID, name);
    // In supply chain order, each step at the node of the org that did it.
    await captureAndWait('greenfield-farms', [chain.harvest, chain.cooling, chain.unrelated]);
    await captureAndWait('valley-packers', [chain.transformation, chain.packing, chain.shipping]);
    await captureAndWait('greenfield-farms', [chain.declared]);
    await captureAndWait('freshmart', [chain.receiving]);
    await captureAndWait('greenfield-farms', [declarationOf(chain)]);
    // The same event again, as its own capture: committed, and rejected as a duplicate.
    const dup = await captureAndWait('freshmart', [chain.receiving], {
      'gs1-capture-error-behaviour': 'proceed',
    });
    expect(dup.success).toBe(false);
  }, 120_000);

  afterAll(async () => {
    await cluster?.destroy();
  });

  it('GET /events on a node that captured nothing, paged with Link rel="next"', async () => {
    const all = await eventNames('/events?perPage=100');
    expect(all.sort()).toEqual([...names.values()].sort());
    const seen: string[] = [];
    let next: string | undefined = '/events?orderBy=eventTime&orderDirection=ASC&perPage=3';
    let pages = 0;
    while (next) {
      const res = await get(next);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as {
        epcisBody: { queryResults: { resultsBody: { eventList: Array<{ eventID: string }> } } };
      };
      seen.push(...doc.epcisBody.queryResults.resultsBody.eventList.map((e) => names.get(e.eventID) ?? ''));
      next = /^<([^>]+)>; rel="next"$/.exec(res.headers.get('link') ?? '')?.[1];
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([
      'harvest',
      'cooling',
      'unrelated',
      'transformation',
      'packing',
      'shipping',
      'declared',
      'receiving',
    ]);
    expect(await eventNames(`/events?MATCH_anyEPC=${enc(PALLET)}&EQ_bizStep=shipping|receiving`)).toEqual([
      'shipping',
      'receiving',
    ]);
    expect(await eventNames(`/events?MATCH_anyEPC=${enc(PALLET_DL)}`)).toEqual(
      await eventNames(`/events?MATCH_anyEPC=${enc(PALLET)}`, 'greenfield-farms'),
    );
  });

  it('refuses unknown and repeated parameters with a QueryParameterException', async () => {
    for (const search of ['nope=1', 'EQ_action=ADD&EQ_action=OBSERVE', `MATCH_epc=${enc("' OR 1=1 --")}`]) {
      const res = await get(`/events?${search}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({
        code: 'QUERY_PARAMETER_INVALID',
        type: 'epcisException:QueryParameterException',
      });
    }
  });

  it('discovery: /eventTypes, /epcs, /bizSteps, /bizLocations, /readPoints, /dispositions', async () => {
    const types = (await (await get('/eventTypes')).json()) as { member: string[] };
    expect(types.member).toContain('TransformationEvent');
    expect(await eventNames(`/epcs/${enc(CASE1_DL)}/events`)).toEqual(['transformation', 'packing']);
    expect(await eventNames(`/epcs/${enc(CASE1)}/events`)).toEqual(['transformation', 'packing']);
    expect(await eventNames('/bizSteps/shipping/events')).toEqual(['shipping']);
    expect(await eventNames(`/bizLocations/${enc(FARM_DL)}/events`)).toEqual(['harvest', 'cooling']);
    expect(await eventNames(`/readPoints/${enc(FARM)}/events`)).toEqual(['harvest', 'unrelated', 'declared']);
    expect(await eventNames('/dispositions/in_transit/events')).toEqual(['shipping']);
  });

  it('named queries belong to the querying node: saved, run, listed and deleted there', async () => {
    const post = await cluster.request(READER, '/queries', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'lot1', query: { MATCH_anyEPCClass: [LOT1] } }),
    });
    expect(post.status, await post.clone().text()).toBe(201);
    expect(await eventNames('/queries/lot1/events')).toEqual(['harvest', 'cooling', 'transformation']);
    const list = (await (await get('/queries')).json()) as Array<{ name: string }>;
    expect(list.map((q) => q.name)).toEqual(['lot1']);
    expect(((await (await get('/queries/lot1')).json()) as { name: string }).name).toBe('lot1');
    // Node-local: another node does not know it.
    expect((await get('/queries/lot1', 'freshmart')).status).toBe(404);
    const del = await cluster.request(READER, '/queries/lot1', { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await get('/queries/lot1/events')).status).toBe(404);
  });

  it('trace and FSMA 204 CSV, identical on every node', async () => {
    const traces = await Promise.all(
      cluster.nodes.map(async (n) => {
        const res = await get(`/objects/${enc(PALLET)}/trace?direction=backward`, n.org);
        expect(res.status).toBe(200);
        return (await res.json()) as {
          nodes: unknown[];
          edges: unknown[];
          custody: Array<{ eventID: string; org: string }>;
        };
      }),
    );
    for (const t of traces) expect(t).toEqual(traces[0]);
    const t = traces[0];
    expect(t?.nodes).toHaveLength(5);
    expect(t?.custody.map((c) => [names.get(c.eventID), c.org])).toEqual([
      ['harvest', 'greenfield-farms'],
      ['cooling', 'greenfield-farms'],
      ['transformation', 'valley-packers'],
      ['packing', 'valley-packers'],
      ['shipping', 'valley-packers'],
      ['receiving', 'freshmart'],
    ]);
    const csv = await get(`/objects/${enc(PALLET_DL)}/trace.csv?direction=backward`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toMatch(/^Traceability Lot Code,Product Description\/GTIN,Quantity,Unit of Measure,/);
    expect(lines.filter((l) => l.includes(',harvesting,'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(',receiving,'))).toHaveLength(1);
  });

  it('GET /rejections and GET /capture', async () => {
    // Rejections and capture jobs are their capturer's alone, even to an auditor (docs/privacy.md):
    // FreshMart's client reads its own at the reader's node.
    const rejections = (await (
      await get('/rejections?code=DUPLICATE_EVENT_ID', READER, 'freshmart')
    ).json()) as {
      rejections: Array<Record<string, unknown>>;
    };
    expect(rejections.rejections).toEqual([
      expect.objectContaining({
        eventID: chain.receiving.eventID,
        code: 'DUPLICATE_EVENT_ID',
        org: 'freshmart',
      }),
    ]);
    // GS1 declares GET /capture as a bare array of capture jobs.
    const jobs = (await (await get('/capture?perPage=2', READER, 'freshmart')).json()) as Array<{
      running: boolean;
      success: boolean;
      blockHeight?: number;
    }>;
    const committed = jobs.filter((j) => !j.running);
    expect(committed).toHaveLength(2);
    expect(committed[0]?.success).toBe(false); // the duplicate, newest
    expect(committed[0]?.blockHeight ?? 0).toBeGreaterThan(committed[1]?.blockHeight ?? 0);
  });
});
