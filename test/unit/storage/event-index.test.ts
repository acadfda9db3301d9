import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCaptureDocument } from '../../../services/epcis/index.js';
import { EVENT_QUERY_PARAMETERS, parseEventQuery, queryPairs } from '../../../services/query/index.js';
import { DENSE_PATTERN_ROWS, eventPageSql, termIdsOf } from '../../../services/storage/index.js';
import { TestLedger } from '../../support/ledger.js';
import {
  CASE1,
  CASE1_DL,
  captures,
  epcisDocument,
  FARM,
  FARM_DL,
  LOT1,
  LOT1_DL,
  LOT2,
  LOT2_DL,
  OTHER,
  PACKER,
  PALLET,
  PALLET_DL,
  RETAILER,
  type SupplyChain,
  supplyChain,
} from '../../support/supply-chain.js';

let ledger: TestLedger;
let chain: SupplyChain;
const names = new Map<string, string>();

/** The events GET /events?<search> returns from the committed ledger, by short name, in order. */
function query(search: string): string[] {
  const parsed = parseEventQuery(queryPairs(search, EVENT_QUERY_PARAMETERS), '/events', 'org-a');
  const page = ledger.store.index.reader.events({ ...parsed.request, limit: 1000 });
  return page.events.map((e) => names.get(e.eventID) ?? e.eventID);
}

const q = (params: Record<string, string>) => query(new URLSearchParams(params).toString());

beforeAll(() => {
  chain = supplyChain('1');
  for (const [name, event] of Object.entries(chain)) names.set(event.eventID, name);
  ledger = new TestLedger();
  for (const c of captures(chain)) ledger.commit(c);
  // A rejected duplicate, so the index holds accepted events only.
  ledger.commit({ org: 'freshmart', events: [chain.receiving], submitter: 'retry' });
});

afterAll(() => ledger.destroy());

describe('the supply chain fixture', () => {
  it('is valid EPCIS 2.0', () => {
    const result = validateCaptureDocument(epcisDocument(Object.values(chain)));
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });
});

describe('event index: each simple event query parameter, any-of and identifier forms', () => {
  const ALL = [
    'harvest',
    'cooling',
    'unrelated',
    'transformation',
    'packing',
    'shipping',
    'declared',
    'receiving',
  ];

  it('returns every accepted event once, in ledger order, without parameters', () => {
    expect(query('')).toEqual(ALL);
  });

  it('eventType', () => {
    expect(q({ eventType: 'AggregationEvent' })).toEqual(['packing']);
    expect(q({ eventType: 'TransformationEvent|AggregationEvent' })).toEqual(['transformation', 'packing']);
    expect(q({ eventType: 'TransactionEvent' })).toEqual([]);
  });

  it('GE_/LT_eventTime: inclusive lower, exclusive upper bound, any zone', () => {
    expect(q({ GE_eventTime: '2026-04-20T10:00:00Z', LT_eventTime: '2026-04-20T12:00:00Z' })).toEqual([
      'packing',
      'shipping',
    ]);
    expect(q({ GE_eventTime: '2026-04-20T17:00:00+02:00' })).toEqual(['receiving']);
    expect(q({ LT_eventTime: '2026-04-20T06:00:00Z' })).toEqual([]);
  });

  it('GE_/LT_recordTime: the commit time of the block', () => {
    // Blocks 1..5 hold the five captures; recordTime of block h is 2026-04-20T00:00:0h.
    expect(q({ GE_recordTime: '2026-04-20T00:00:03Z', LT_recordTime: '2026-04-20T00:00:05Z' })).toEqual([
      'shipping',
      'declared',
    ]);
    expect(q({ GE_recordTime: '2026-04-20T00:00:06Z' })).toEqual([]);
  });

  it('EQ_action', () => {
    expect(q({ EQ_action: 'ADD' })).toEqual(['harvest', 'unrelated', 'packing']);
    expect(q({ EQ_action: 'DELETE' })).toEqual([]);
  });

  it('EQ_bizStep: bare word, CBV web URI and URN are one', () => {
    expect(q({ EQ_bizStep: 'creating_class_instance' })).toEqual(['harvest', 'transformation']);
    expect(
      q({ EQ_bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping|urn:epcglobal:cbv:bizstep:receiving' }),
    ).toEqual(['shipping', 'receiving']);
    expect(q({ EQ_bizStep: 'destroying' })).toEqual([]);
  });

  it('EQ_disposition', () => {
    expect(q({ EQ_disposition: 'in_transit' })).toEqual(['shipping']);
    expect(q({ EQ_disposition: 'https://ref.gs1.org/cbv/Disp-in_progress' })).toEqual([
      'packing',
      'receiving',
    ]);
    expect(q({ EQ_disposition: 'destroyed' })).toEqual([]);
  });

  it('EQ_readPoint and EQ_bizLocation: SGLN URN and Digital Link are one', () => {
    expect(q({ EQ_readPoint: FARM_DL })).toEqual(['harvest', 'unrelated', 'declared']);
    expect(q({ EQ_bizLocation: FARM })).toEqual(['harvest', 'cooling']);
    expect(q({ EQ_bizLocation: `${PACKER}|${RETAILER}` })).toEqual([
      'transformation',
      'packing',
      'receiving',
    ]);
    expect(q({ EQ_readPoint: 'urn:epc:id:sgln:0614141.00009.0' })).toEqual([]);
  });

  it('MATCH_epc: epcList and childEPCs', () => {
    expect(q({ MATCH_epc: CASE1 })).toEqual(['packing']);
    expect(q({ MATCH_epc: PALLET })).toEqual(['shipping', 'receiving']);
    expect(q({ MATCH_epc: `${OTHER}|${PALLET_DL}` })).toEqual([
      'unrelated',
      'shipping',
      'declared',
      'receiving',
    ]);
    expect(q({ MATCH_epc: LOT1 })).toEqual([]);
  });

  it('MATCH_parentID', () => {
    expect(q({ MATCH_parentID: PALLET_DL })).toEqual(['packing']);
    expect(q({ MATCH_parentID: CASE1 })).toEqual([]);
  });

  it('MATCH_inputEPC and MATCH_outputEPC', () => {
    expect(q({ MATCH_outputEPC: CASE1_DL })).toEqual(['transformation']);
    expect(q({ MATCH_inputEPC: CASE1 })).toEqual([]);
  });

  it('MATCH_anyEPC: every object role, URN and Digital Link alike', () => {
    expect(q({ MATCH_anyEPC: CASE1 })).toEqual(['transformation', 'packing']);
    expect(q({ MATCH_anyEPC: CASE1_DL })).toEqual(['transformation', 'packing']);
    expect(q({ MATCH_anyEPC: PALLET })).toEqual(['packing', 'shipping', 'receiving']);
    expect(q({ MATCH_anyEPC: 'urn:epc:id:sgtin:0614141.107346.4242' })).toEqual([]);
  });

  it('MATCH_ parameters take EPC patterns', () => {
    expect(q({ MATCH_anyEPC: 'urn:epc:idpat:sgtin:0614141.107346.*' })).toEqual([
      'unrelated',
      'transformation',
      'packing',
      'declared',
    ]);
    expect(q({ MATCH_anyEPC: 'urn:epc:idpat:sgtin:0614141.999999.*' })).toEqual([]);
  });

  it('MATCH_epcClass: quantityList and childQuantityList', () => {
    expect(q({ MATCH_epcClass: LOT1 })).toEqual(['harvest', 'cooling']);
    expect(q({ MATCH_epcClass: LOT2_DL })).toEqual(['packing']);
    expect(q({ MATCH_epcClass: 'urn:epc:class:lgtin:0614141.107346.NOPE' })).toEqual([]);
  });

  it('MATCH_anyEPCClass: also transformation inputs and outputs', () => {
    expect(q({ MATCH_anyEPCClass: LOT1_DL })).toEqual(['harvest', 'cooling', 'transformation']);
    expect(q({ MATCH_anyEPCClass: LOT2 })).toEqual(['transformation', 'packing']);
    expect(q({ MATCH_anyEPCClass: CASE1 })).toEqual([]);
  });

  it('EQ_eventID', () => {
    expect(q({ EQ_eventID: `${chain.shipping.eventID}|${chain.harvest.eventID}` })).toEqual([
      'harvest',
      'shipping',
    ]);
    expect(q({ EQ_eventID: 'urn:uuid:not-there' })).toEqual([]);
  });

  it('EXISTS_errorDeclaration', () => {
    expect(q({ EXISTS_errorDeclaration: '' })).toEqual(['declared']);
    expect(q({ EXISTS_errorDeclaration: 'true' })).toEqual(['declared']);
    expect(q({ EXISTS_errorDeclaration: 'false' })).toHaveLength(ALL.length - 1);
  });

  it('combines parameters with AND', () => {
    expect(q({ MATCH_anyEPC: PALLET, EQ_bizStep: 'shipping|receiving', EQ_action: 'OBSERVE' })).toEqual([
      'shipping',
      'receiving',
    ]);
    expect(q({ MATCH_anyEPC: PALLET, eventType: 'TransformationEvent' })).toEqual([]);
  });

  it('orderBy eventTime and recordTime, both directions', () => {
    expect(q({ orderBy: 'eventTime', orderDirection: 'ASC' })).toEqual(ALL);
    expect(q({ orderBy: 'eventTime' })[0]).toBe('receiving'); // DESC by default
    expect(q({ orderBy: 'recordTime', orderDirection: 'DESC' })).toEqual([...ALL].reverse());
    expect(q({ orderDirection: 'DESC' })).toEqual([...ALL].reverse());
  });
});

describe('event index: pagination', () => {
  function allPages(search: Record<string, string>, perPage: number): string[] {
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 20; i++) {
      const params = new URLSearchParams({ ...search, perPage: String(perPage) });
      if (token) params.set('nextPageToken', token);
      const parsed = parseEventQuery(
        queryPairs(params.toString(), EVENT_QUERY_PARAMETERS),
        '/events',
        'org-a',
      );
      const page = ledger.store.index.reader.events(parsed.request);
      expect(page.events.length).toBeLessThanOrEqual(perPage);
      seen.push(...page.events.map((e) => names.get(e.eventID) ?? ''));
      if (!page.next) return seen;
      token = encode(page.next, parsed.defining);
    }
    throw new Error('too many pages');
  }

  it('walks every order in pages of 1, 2 and 3 with no event lost or repeated', () => {
    const searches: Array<Record<string, string>> = [
      {},
      { orderBy: 'eventTime' },
      { orderBy: 'eventTime', orderDirection: 'ASC' },
      { orderBy: 'recordTime', orderDirection: 'ASC' },
      { orderDirection: 'DESC' },
      { MATCH_anyEPC: PALLET },
    ];
    for (const search of searches) {
      const whole = q(search);
      for (const perPage of [1, 2, 3])
        expect(allPages(search, perPage), JSON.stringify(search)).toEqual(whole);
    }
  });
});

import { encodePageToken } from '../../../services/query/index.js';

function encode(next: { value: number; seq: number }, defining: Array<[string, string]>): string {
  return encodePageToken([next.value, next.seq], { scope: '/events', org: 'org-a', defining });
}

describe('event index: storage', () => {
  it('is written in the block transaction: when indexing fails, the block is not committed', () => {
    const other = new TestLedger();
    try {
      const event = supplyChain('9').harvest;
      other.commit({ org: 'a', events: [supplyChain('8').harvest] });
      other.store.close();
      // A trigger makes indexing the next event fail, after its block, transaction and event rows.
      const db = new Database(`${other.dir}/ledger.sqlite`);
      db.exec(
        "CREATE TRIGGER index_fails BEFORE INSERT ON event_index BEGIN SELECT RAISE(ABORT, 'index failure'); END",
      );
      db.close();
      other.reopen();
      expect(() => other.commit({ org: 'a', events: [event] })).toThrow(/index failure/);
      expect(other.store.tip().height).toBe(1);
      expect(other.store.getBlock(2)).toBeUndefined();
      expect(other.store.hasEvent(event.eventID)).toBe(false);
      expect(other.store.getEvent(event.eventID)).toBeUndefined();
    } finally {
      other.destroy();
    }
  });

  it('uses an index for every common filter (EXPLAIN QUERY PLAN)', () => {
    const db = new Database(`${ledger.dir}/ledger.sqlite`, { readonly: true, fileMustExist: true });
    ledger.store.close();
    const plan = (search: string) => {
      const parsed = parseEventQuery(queryPairs(search, EVENT_QUERY_PARAMETERS), '/events', 'org-a');
      const { sql, params } = eventPageSql(parsed.request, termIdsOf(db));
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
      return rows.map((r) => r.detail).join('\n');
    };
    const cases: Array<[string, RegExp]> = [
      [
        `MATCH_anyEPC=${encodeURIComponent(PALLET)}`,
        /SEARCH event_ids USING PRIMARY KEY \(term=\? AND role=\?\)/,
      ],
      [`MATCH_epcClass=${encodeURIComponent(LOT1)}`, /SEARCH event_ids USING PRIMARY KEY/],
      [
        'MATCH_anyEPC=urn:epc:idpat:sgtin:0614141.107346.*',
        /SEARCH event_ids USING PRIMARY KEY \(term=\? AND role=\?\)[\s\S]*SEARCH terms USING COVERING INDEX sqlite_autoindex_terms_1 \(term>\? AND term<\?\)/,
      ],
      ['EQ_bizStep=shipping', /SEARCH i USING INDEX event_index_by_biz_step \(biz_step=\?\)/],
      [`EQ_bizLocation=${encodeURIComponent(FARM)}`, /SEARCH i USING INDEX event_index_by_biz_location/],
      [`EQ_readPoint=${encodeURIComponent(FARM)}`, /SEARCH i USING INDEX event_index_by_read_point/],
      [
        'GE_eventTime=2026-04-20T10:00:00Z&orderBy=eventTime',
        /SEARCH i USING INDEX event_index_by_event_time \(event_time>\?\)/,
      ],
      ['GE_recordTime=2026-04-20T00:00:03Z', /SEARCH i USING INTEGER PRIMARY KEY \(rowid>\?\)/],
      [
        `EQ_eventID=${encodeURIComponent(chain.harvest.eventID)}`,
        /SEARCH i USING (COVERING )?INDEX sqlite_autoindex_event_index_1 \(event_id=\?\)/,
      ],
      ['orderBy=eventTime', /SCAN i USING INDEX event_index_by_event_time/],
    ];
    for (const [search, expected] of cases) {
      const p = plan(search);
      expect(p, search).toMatch(expected);
      // The served event: its doc_events row by rowid.
      expect(p, search).toMatch(/SEARCH d USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      // No full scan of the index table, and no sort of the whole result.
      expect(p, search).not.toMatch(/SCAN i$|SCAN event_index$|SCAN event_ids|SCAN terms/m);
      expect(p, search).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    }
    db.close();
    ledger.reopen();
  });
});

describe('event index: an EPC pattern that matches many objects', () => {
  it('is answered by scanning in order, with the same events and pages', () => {
    const dense = new TestLedger();
    try {
      const count = DENSE_PATTERN_ROWS + 50;
      const events = Array.from({ length: count }, (_, i) => ({
        type: 'ObjectEvent',
        eventID: `urn:uuid:dense-${i}`,
        eventTime: new Date(Date.parse('2026-04-20T00:00:00Z') + (i % 97) * 60_000).toISOString(),
        action: 'OBSERVE',
        epcList: [`urn:epc:id:sgtin:0614141.107346.${i}`],
      }));
      dense.commit({ org: 'a', events: events.slice(0, count / 2) });
      dense.commit({ org: 'a', events: events.slice(count / 2) });
      const reader = dense.store.index.reader;
      const walk = (search: string) => {
        const ids: string[] = [];
        let after: { value: number; seq: number } | undefined;
        for (;;) {
          const parsed = parseEventQuery(queryPairs(search, EVENT_QUERY_PARAMETERS), '/events', 'org-a');
          const page = reader.events({ ...parsed.request, limit: 1000, after });
          ids.push(...page.events.map((e) => e.eventID));
          if (!page.next) return ids;
          after = page.next;
        }
      };
      const pattern = 'MATCH_epc=urn:epc:idpat:sgtin:0614141.107346.*';
      expect(walk(pattern)).toEqual(events.map((e) => e.eventID));
      const byTime = walk(`${pattern}&orderBy=eventTime`);
      expect(new Set(byTime).size).toBe(count);
      expect(byTime.map((id) => events[Number(id.split('-')[1])]?.eventTime)).toEqual(
        [...events]
          .map((e, i) => [e.eventTime, i] as const)
          .sort(([a, i], [b, j]) => (a < b ? 1 : a > b ? -1 : j - i))
          .map(([t]) => t),
      );
      expect(walk('MATCH_epc=urn:epc:idpat:sgtin:0614141.999999.*')).toEqual([]);
      // The plan of the dense form: events in order, each tested by (seq, role), no collection.
      dense.store.close();
      const db = new Database(`${dense.dir}/ledger.sqlite`, { readonly: true });
      const parsed = parseEventQuery(queryPairs(pattern, EVENT_QUERY_PARAMETERS), '/events', 'org-a');
      const ids = (parsed.request.filter.ids ?? []).map((c) => ({ ...c, dense: true }));
      const { sql, params } = eventPageSql({ ...parsed.request, filter: { ids } }, termIdsOf(db));
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join('\n');
      db.close();
      dense.reopen();
      expect(plan).toMatch(/SCAN i\b/);
      expect(plan).toMatch(
        /SEARCH x (EXISTS )?USING (COVERING )?INDEX event_ids_by_seq \(seq=\? AND role=\?/,
      );
      expect(plan).not.toMatch(/TEMP B-TREE|LIST SUBQUERY/);
    } finally {
      dense.destroy();
    }
  });
});
