import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../services/api/index.js';
import { queryBackend } from '../../services/query/index.js';
import { TestLedger } from '../support/ledger.js';
import { FakeNode, makeKeys, mint, ORG } from './support.js';

// Issue 19 defect 2: perPage=1000 of large events held them all in memory. A page is also bounded
// by the bytes of its events; here the budget is small so a few events of ~2 KB show the cut.
const BUDGET = 5_000;
const EVENTS = 7;

const epcs = (n: number) =>
  Array.from({ length: 50 }, (_, i) => `urn:epc:id:sgtin:0614141.107346.${n * 100 + i}`);

function event(n: number) {
  return {
    type: 'ObjectEvent',
    eventID: `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    eventTime: `2026-04-20T${String(10 + n).padStart(2, '0')}:00:00.000Z`,
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep: 'storing',
    epcList: epcs(n),
  };
}

let ledger: TestLedger;
let app: FastifyInstance;
let token: string;

beforeAll(async () => {
  ledger = new TestLedger([ORG]); // the test's token reads the whole ledger
  ledger.commit({ org: 'greenfield-farms', events: Array.from({ length: EVENTS }, (_, i) => event(i)) });
  const made = await makeKeys();
  const node = new FakeNode(made.issuers);
  node.query = queryBackend(ledger.store.index, () => [], BUDGET);
  app = buildApi(node.deps());
  token = await mint(made.keys, { roles: ['events:read'] });
});

afterAll(() => ledger.destroy());

const get = (url: string) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

function eventsOf(res: LightMyRequestResponse): Array<{ eventID: string }> {
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { epcisBody: { queryResults: { resultsBody: { eventList: [] } } } }).epcisBody
    .queryResults.resultsBody.eventList;
}

async function pages(url: string): Promise<string[][]> {
  const out: string[][] = [];
  let next: string | undefined = url;
  while (next) {
    const res = await get(next);
    const list = eventsOf(res);
    const bytes = list.reduce((sum, e) => {
      const { recordTime: _, ...stored } = e as Record<string, unknown>;
      return sum + Buffer.byteLength(JSON.stringify(stored));
    }, 0);
    if (list.length > 1) expect(bytes).toBeLessThanOrEqual(BUDGET);
    out.push(list.map((e) => e.eventID));
    const link = res.headers.link as string | undefined;
    next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
    if (out.length > EVENTS + 1) throw new Error('too many pages');
  }
  return out;
}

describe('pages bounded by bytes', () => {
  it('cuts a page of large events by bytes and the next page continues exactly', async () => {
    const all = Array.from({ length: EVENTS }, (_, i) => event(i).eventID);
    for (const url of [
      '/events?orderDirection=ASC&perPage=1000',
      '/events?orderBy=eventTime&orderDirection=ASC&perPage=1000',
    ]) {
      const got = await pages(url);
      // ~2 KB events under a 5 KB budget: two a page, however many perPage allows.
      expect(got.map((p) => p.length)).toEqual([2, 2, 2, 1]);
      expect(got.flat()).toEqual(all);
    }
    const descending = await pages('/events?orderBy=eventTime&orderDirection=DESC&perPage=1000');
    expect(descending.flat()).toEqual([...all].reverse());
  });

  it('still serves one event larger than the budget, and the count bound still holds', async () => {
    const small = queryBackend(ledger.store.index, () => [], 10);
    const page = small.events(ORG, {
      filter: {},
      orderBy: 'ledger',
      descending: false,
      limit: 1000,
      maxBytes: small.pageMaxBytes,
    });
    expect(page.events).toHaveLength(1);
    expect(page.next).toBeDefined();
    expect((await pages('/events?perPage=1')).map((p) => p.length)).toEqual(Array(EVENTS).fill(1));
  });

  it('answers the discovery variant in pages cut by bytes too', async () => {
    const url = `/epcs/${encodeURIComponent(epcs(3)[0] ?? '')}/events?perPage=1000`;
    expect(await pages(url)).toEqual([[event(3).eventID]]);
    const bizStep = await pages('/bizSteps/storing/events?perPage=1000');
    expect(bizStep.map((p) => p.length)).toEqual([2, 2, 2, 1]);
  });
});
