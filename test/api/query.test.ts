import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../services/api/index.js';
import { createSigner, generateSeed } from '../../services/crypto/index.js';
import { signTx } from '../../services/ledger/index.js';
import { queryBackend } from '../../services/query/index.js';
import { TestLedger } from '../support/ledger.js';
import {
  CASE1,
  CASE1_DL,
  captures,
  FARM,
  FARM_DL,
  LOT1,
  PALLET,
  PALLET_DL,
  type SupplyChain,
  supplyChain,
} from '../support/supply-chain.js';
import { expectProblem, FakeNode, type Keys, makeKeys, mint, NO_SUCH_NAME, ORG, OTHER } from './support.js';

let ledger: TestLedger;
let chain: SupplyChain;
let app: FastifyInstance;
let keys: Keys;
let token: string;
const names = new Map<string, string>();
const enc = encodeURIComponent;

beforeAll(async () => {
  chain = supplyChain('3');
  for (const [name, event] of Object.entries(chain)) names.set(event.eventID, name);
  ledger = new TestLedger([ORG]); // the test's token reads the whole ledger
  for (const c of captures(chain)) ledger.commit(c);
  // A rejected duplicate: the capture job and the rejection are the test token's org's own.
  ledger.commit({ org: ORG, events: [chain.receiving], submitter: 'retry' });
  const pending = signTx(
    {
      kind: 'capture',
      network: 'n',
      org: 'greenfield-farms',
      submitter: 'erp',
      errorBehaviour: 'rollback',
      document: { epcisBody: { eventList: [] } },
    },
    createSigner(generateSeed()),
  );
  ledger.store.addPending(pending);
  const made = await makeKeys();
  keys = made.keys;
  const node = new FakeNode(made.issuers);
  node.query = queryBackend(ledger.store.index, () => ledger.store.pendingTxs());
  // The custody state of the pallet alone: trace nodes carry it, the others have none.
  node.objects.set(PALLET_DL, {
    id: PALLET_DL,
    owner: 'freshmart',
    custodian: 'swift-logistics',
    status: 'in_transit',
    flags: ['contains_recalled'],
    lastEventID: 'urn:uuid:x',
  });
  app = buildApi(node.deps());
  token = await mint(keys, { roles: ['events:read'] });
});

afterAll(() => ledger.destroy());

const get = (url: string, t = token) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${t}` } });

function eventNames(res: LightMyRequestResponse): string[] {
  expect(res.statusCode, res.body).toBe(200);
  const doc = res.json() as {
    epcisBody: { queryResults: { resultsBody: { eventList: Array<{ eventID: string }> } } };
  };
  return doc.epcisBody.queryResults.resultsBody.eventList.map((e) => names.get(e.eventID) ?? e.eventID);
}

/** Follows `Link: <...>; rel="next"` to the end; every URL is what the server put in the header. */
async function allPages(url: string): Promise<{ events: string[]; pages: number }> {
  const events: string[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const res = await get(next);
    events.push(...eventNames(res));
    pages++;
    const link = res.headers.link as string | undefined;
    next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
    if (link) expect(next, link).toBeDefined();
    if (pages > 50) throw new Error('too many pages');
  }
  return { events, pages };
}

describe('GET /events', () => {
  it('answers an EPCISQueryDocument in JSON-LD', async () => {
    const res = await get('/events?eventType=AggregationEvent');
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(res.json()).toMatchObject({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      epcisBody: {
        queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: [chain.packing] } },
      },
    });
    expect(Date.parse((res.json() as { creationDate: string }).creationDate)).not.toBeNaN();
    const plain = await app.inject({
      method: 'GET',
      url: '/events?eventType=AggregationEvent',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    expect(plain.headers['content-type']).toMatch(/^application\/json/);
  });

  it('pages with Link rel="next" and loses or repeats no event', async () => {
    const whole = eventNames(await get('/events?orderBy=eventTime&perPage=1000'));
    expect(whole).toHaveLength(8);
    const paged = await allPages('/events?orderBy=eventTime&perPage=3');
    expect(paged).toEqual({ events: whole, pages: 3 });
    const last = await get('/events?orderBy=eventTime&perPage=8');
    expect(last.headers.link).toBeUndefined();
    const first = await get(`/events?MATCH_anyEPC=${enc(PALLET)}&perPage=1`);
    expect(first.headers.link).toMatch(
      /^<\/events\?MATCH_anyEPC=urn%3Aepc%3Aid%3Asscc%3A0614141\.1234567890&perPage=1&nextPageToken=[\w-]+>; rel="next"$/,
    );
  });

  it('treats EPC URNs and Digital Link URIs alike in every identifier parameter', async () => {
    expect(eventNames(await get(`/events?MATCH_anyEPC=${enc(PALLET)}`))).toEqual(
      eventNames(await get(`/events?MATCH_anyEPC=${enc(PALLET_DL)}`)),
    );
    expect(eventNames(await get(`/events?EQ_readPoint=${enc(FARM_DL)}`))).toEqual([
      'harvest',
      'unrelated',
      'declared',
    ]);
  });
});

describe('discovery', () => {
  it('GET /eventTypes lists the five EPCIS event types', async () => {
    const res = await get('/eventTypes');
    expect(res.json()).toMatchObject({ type: 'Collection' });
    expect((res.json() as { member: string[] }).member.sort()).toEqual(
      [
        'AggregationEvent',
        'AssociationEvent',
        'ObjectEvent',
        'TransactionEvent',
        'TransformationEvent',
      ].sort(),
    );
  });

  it('answers /epcs, /bizSteps, /bizLocations, /readPoints and /dispositions like the query they stand for', async () => {
    const pairs: Array<[string, string]> = [
      [`/epcs/${enc(CASE1)}/events`, `MATCH_anyEPC=${enc(CASE1)}`],
      [`/epcs/${enc(CASE1_DL)}/events`, `MATCH_anyEPC=${enc(CASE1)}`],
      ['/bizSteps/shipping/events', 'EQ_bizStep=shipping'],
      [`/bizLocations/${enc(FARM_DL)}/events`, `EQ_bizLocation=${enc(FARM)}`],
      [`/readPoints/${enc(FARM)}/events`, `EQ_readPoint=${enc(FARM)}`],
      ['/dispositions/in_progress/events', 'EQ_disposition=in_progress'],
    ];
    for (const [path, search] of pairs) {
      const expected = eventNames(await get(`/events?${search}`));
      expect(expected.length, search).toBeGreaterThan(0);
      expect(eventNames(await get(path)), path).toEqual(expected);
    }
    expect(eventNames(await get(`/epcs/${enc(PALLET)}/events?EQ_bizStep=shipping`))).toEqual(['shipping']);
    const paged = await allPages(`/epcs/${enc(PALLET_DL)}/events?perPage=1`);
    expect(paged).toEqual({ events: ['packing', 'shipping', 'receiving'], pages: 3 });
    expectProblem(
      await get(`/epcs/${enc(PALLET)}/events?MATCH_anyEPC=${enc(PALLET)}`),
      400,
      'QUERY_PARAMETER_INVALID',
    );
    expectProblem(await get('/bizSteps/flying/events'), 400, 'QUERY_PARAMETER_INVALID');
  });
});

describe('named queries', () => {
  const writer = () => mint(keys, { roles: ['events:write', 'events:read'] });
  const post = async (payload: unknown, t?: string) =>
    app.inject({
      method: 'POST',
      url: '/queries',
      headers: { authorization: `Bearer ${t ?? (await writer())}`, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });

  it('refuses names a client could not put in a URL: . and .. are dot segments', async () => {
    for (const name of ['.', '..', '', 'a/b', 'x'.repeat(65)]) {
      expectProblem(await post({ name, query: { EQ_action: 'OBSERVE' } }), 400, 'VALIDATION_FAILED');
    }
    expect((await post({ name: '...', query: { EQ_action: 'OBSERVE' } })).statusCode).toBe(201);
    const removed = await app.inject({
      method: 'DELETE',
      url: '/queries/...',
      headers: { authorization: `Bearer ${await writer()}` },
    });
    expect(removed.statusCode).toBe(204);
  });

  it('saves, lists, runs with paging and deletes a query', async () => {
    const created = await post({
      name: 'pallet-moves',
      query: { MATCH_anyEPC: [PALLET], EQ_action: 'OBSERVE' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe('/queries/pallet-moves');
    expect(created.json()).toMatchObject({
      name: 'pallet-moves',
      query: { MATCH_anyEPC: PALLET, EQ_action: 'OBSERVE' },
      createdBy: 'test-erp',
    });
    expectProblem(await post({ name: 'pallet-moves', query: {} }), 409, 'CONFLICT');
    expect((await post({ name: 'a-lot', query: { MATCH_anyEPCClass: LOT1 } })).statusCode).toBe(201);

    const list = await get('/queries?perPage=1');
    expect((list.json() as Array<{ name: string }>).map((q) => q.name)).toEqual(['a-lot']);
    const next = /^<([^>]+)>/.exec(String(list.headers.link))?.[1] ?? '';
    expect(((await get(next)).json() as Array<{ name: string }>).map((q) => q.name)).toEqual([
      'pallet-moves',
    ]);
    expect((await get('/queries/pallet-moves')).json()).toMatchObject({ name: 'pallet-moves' });

    const run = await get('/queries/pallet-moves/events');
    expect(eventNames(run)).toEqual(['shipping', 'receiving']);
    expect(run.json()).toMatchObject({ epcisBody: { queryResults: { queryName: 'pallet-moves' } } });
    expect(await allPages('/queries/pallet-moves/events?perPage=1')).toEqual({
      events: ['shipping', 'receiving'],
      pages: 2,
    });
    expectProblem(await get('/queries/pallet-moves/events?EQ_action=ADD'), 400, 'QUERY_PARAMETER_INVALID');

    const del = () =>
      writer().then((t) =>
        app.inject({
          method: 'DELETE',
          url: '/queries/pallet-moves',
          headers: { authorization: `Bearer ${t}` },
        }),
      );
    expect((await del()).statusCode).toBe(204);
    expectProblem(await del(), 404, 'NOT_FOUND', NO_SUCH_NAME);
    expectProblem(await get('/queries/pallet-moves'), 404, 'NOT_FOUND', NO_SUCH_NAME);
    expectProblem(await get('/queries/pallet-moves/events'), 404, 'NOT_FOUND', NO_SUCH_NAME);
  });

  it('refuses bad names and bad queries, and writes from readers or other orgs', async () => {
    expectProblem(await post({ name: '../etc', query: {} }), 400, 'VALIDATION_FAILED');
    expectProblem(await post({ name: 'x', query: 'EQ_action=ADD' }), 400, 'VALIDATION_FAILED');
    expectProblem(await post({ name: 'x', query: {}, owner: 'me' }), 400, 'VALIDATION_FAILED');
    expectProblem(await post([1, 2]), 400, 'VALIDATION_FAILED');
    expectProblem(await post({ name: 'x', query: { EQ_action: 'JUMP' } }), 400, 'QUERY_PARAMETER_INVALID');
    expectProblem(await post({ name: 'x', query: { perPage: 5 } }), 400, 'QUERY_PARAMETER_INVALID');
    expectProblem(
      await post({ name: 'x', query: { MATCH_epc: [{ a: 1 }] } }),
      400,
      'QUERY_PARAMETER_INVALID',
    );
    expectProblem(await post({ name: 'x', query: {} }, token), 403, 'FORBIDDEN');
    const other = await mint(keys, { org: OTHER, roles: ['events:write'] });
    expectProblem(await post({ name: 'x', query: {} }, other), 403, 'FORBIDDEN');
  });
});

describe('trace', () => {
  it('GET /objects/{id}/trace: graph and custody chain', async () => {
    const res = await get(`/objects/${enc(PALLET)}/trace?direction=backward`);
    expect(res.statusCode, res.body).toBe(200);
    const t = res.json() as { nodes: unknown[]; edges: unknown[]; custody: Array<{ eventID: string }> };
    expect(t).toMatchObject({ id: PALLET_DL, direction: 'backward', truncated: false });
    expect(t.nodes).toHaveLength(5);
    expect(t.edges).toHaveLength(6);
    expect(t.custody.map((c) => names.get(c.eventID))).toEqual([
      'harvest',
      'cooling',
      'transformation',
      'packing',
      'shipping',
      'receiving',
    ]);
    expect(t.nodes).toContainEqual({
      id: PALLET_DL,
      kind: 'object',
      depth: 0,
      owner: 'freshmart',
      custodian: 'swift-logistics',
      status: 'in_transit',
      flags: ['contains_recalled'],
    });
    expect(t.nodes.filter((n) => (n as { owner?: string }).owner !== undefined)).toHaveLength(1);
    expect((await get(`/objects/${enc(PALLET_DL)}/trace?direction=backward`)).json()).toEqual(t);
    expect(((await get(`/objects/${enc(PALLET)}/trace`)).json() as { direction: string }).direction).toBe(
      'both',
    );
  });

  it('GET /objects/{id}/trace.csv: the FSMA 204 spreadsheet', async () => {
    const res = await get(`/objects/${enc(LOT1)}/trace.csv?direction=forward`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe(
      'Traceability Lot Code,Product Description/GTIN,Quantity,Unit of Measure,Location,Date,Critical Tracking Event,Reference Document Type,Reference Document Number,Event ID',
    );
    expect(lines).toContain(
      `LOT1,10614141073464,1000,KGM,${FARM},${chain.harvest.eventTime},harvesting,,,${chain.harvest.eventID}`,
    );
    expect(
      lines.some((l) => l.includes(',transformation,prodorder,"urn:epcglobal:cbv:bt:0614141000029:PO-1,2",')),
    ).toBe(true);
    expect(lines.at(-1)).toBe('');
  });

  it('404 for an object no event names, 400 for bad ids and directions', async () => {
    expectProblem(await get(`/objects/${enc('urn:epc:id:sgtin:0614141.107346.1')}/trace`), 404, 'NOT_FOUND');
    expectProblem(await get(`/objects/${enc('urn:epc:id:sgtin:bad')}/trace`), 400, 'QUERY_PARAMETER_INVALID');
    expectProblem(await get(`/objects/${enc("' OR 1=1 --")}/trace.csv`), 400, 'QUERY_PARAMETER_INVALID');
    expectProblem(
      await get(`/objects/${enc(PALLET)}/trace?direction=sideways`),
      400,
      'QUERY_PARAMETER_INVALID',
    );
    expectProblem(await get(`/objects/${enc(PALLET)}/trace?depth=3`), 400, 'QUERY_PARAMETER_INVALID');
  });
});

describe('audit lists', () => {
  it('GET /rejections: rejected events with reason code and org, filtered by code, paged', async () => {
    const res = await get('/rejections');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      rejections: [
        {
          eventID: chain.receiving.eventID,
          txId: expect.any(String),
          blockHeight: 7,
          code: 'DUPLICATE_EVENT_ID',
          message: expect.any(String),
          org: ORG,
        },
      ],
    });
    expect((await get('/rejections?code=DUPLICATE_EVENT_ID')).json()).toEqual(res.json());
    expect((await get('/rejections?code=CUSTODY_MISMATCH')).json()).toEqual({ rejections: [] });
    expectProblem(await get(`/rejections?code=${enc("x' OR '1'='1")}`), 400, 'QUERY_PARAMETER_INVALID');
  });

  it('GET /capture: running jobs first, then committed captures newest first, paged', async () => {
    const first = await get('/capture?perPage=2');
    expect(first.statusCode, first.body).toBe(200);
    // GS1 declares the list as a bare array.
    const jobs = first.json() as Array<Record<string, unknown>>;
    expect(jobs.map((j) => [j.running, j.blockHeight])).toEqual([
      [true, undefined],
      [false, 7],
      [false, 6],
    ]);
    expect(jobs[1]).toMatchObject({ success: false, captureErrorBehaviour: 'proceed' });
    const rest: number[] = [];
    let link = first.headers.link as string | undefined;
    while (link) {
      const res = await get(/^<([^>]+)>/.exec(link)?.[1] ?? '');
      const page = res.json() as Array<{ running: boolean; blockHeight: number }>;
      expect(page.every((j) => !j.running)).toBe(true);
      rest.push(...page.map((j) => j.blockHeight));
      link = res.headers.link as string | undefined;
    }
    // The org's own captures only (heights 1, 4, 6 and 7); the others' are not listed.
    expect(rest).toEqual([4, 1]);
    const other = await mint(keys, { org: OTHER, roles: ['events:read'] });
    const theirs = (await get('/capture', other)).json() as Array<{ blockHeight: number }>;
    expect(theirs.map((j) => j.blockHeight)).toEqual([3, 2]);
    expect((await get('/rejections', other)).json()).toEqual({ rejections: [] });
  });
});

describe('bad input is a 4xx problem, never a 5xx', () => {
  const ROUTES = [
    '/events',
    '/eventTypes',
    `/epcs/${enc(PALLET)}/events`,
    '/bizSteps/shipping/events',
    `/bizLocations/${enc(FARM)}/events`,
    `/readPoints/${enc(FARM)}/events`,
    '/dispositions/active/events',
    '/queries',
    `/objects/${enc(PALLET)}/trace`,
    `/objects/${enc(PALLET)}/trace.csv`,
    '/rejections',
    '/capture',
  ];
  const BAD = [
    'unknownParam=1',
    'perPage=1&perPage=2',
    `MATCH_anyEPC=${enc("1'; DROP TABLE events; --")}`,
    `EQ_bizLocation=${enc('../../../etc/passwd')}`,
    'perPage=99999999999999999999',
    'nextPageToken=%00%01',
    `EQ_eventID=${enc('x'.repeat(5000))}`,
    'GE_eventTime=%E0%A4%A',
  ];

  it('on every query route', async () => {
    for (const route of ROUTES) {
      for (const bad of BAD) {
        const res = await get(`${route}?${bad}`);
        expect(res.statusCode, `${route}?${bad}: ${res.body}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${route}?${bad}`).toBeLessThan(500);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
  });

  it('in paths: invalid identifiers, SQL and path fragments', async () => {
    for (const path of [
      `/epcs/${enc('urn:epc:id:sgtin:nope')}/events`,
      `/epcs/${enc("x' OR 1=1")}/events`,
      `/bizLocations/${enc('..%2F..%2Fetc')}/events`,
      `/readPoints/${enc('a|b')}/events`,
      `/dispositions/${enc('DROP TABLE')}/events`,
      `/objects/${enc('../../etc/passwd')}/trace`,
      `/queries/${enc('no such')}/events`,
    ]) {
      const res = await get(path);
      expect(res.statusCode, `${path}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, path).toBeLessThan(500);
    }
  });
});
