import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  criticalTrackingEvent,
  FSMA_COLUMNS,
  fsmaRows,
  identifierKey,
  type TraceDirection,
  toCsv,
  traceObject,
} from '../../../services/query/index.js';
import { TestLedger } from '../../support/ledger.js';
import {
  CASE1,
  CASE1_DL,
  CASE2,
  captures,
  LOT1,
  LOT1_DL,
  LOT2_DL,
  PACKER,
  PALLET,
  PALLET_DL,
  PROD_ORDER,
  RETAILER,
  type SupplyChain,
  supplyChain,
} from '../../support/supply-chain.js';

let ledger: TestLedger;
let chain: SupplyChain;
const names = new Map<string, string>();
const key = (id: string) => identifierKey(id) ?? id;

beforeAll(() => {
  chain = supplyChain('2');
  for (const [name, event] of Object.entries(chain)) names.set(event.eventID, name);
  ledger = new TestLedger();
  for (const c of captures(chain)) ledger.commit(c);
});

afterAll(() => ledger.destroy());

function trace(id: string, direction: TraceDirection) {
  const result = traceObject(ledger.store.index.reader, key(id), direction);
  if (!result) throw new Error(`no trace for ${id}`);
  return result.trace;
}

const edgeNames = (t: ReturnType<typeof trace>) =>
  t.edges.map((e) => `${names.get(e.eventID)}: ${e.from} -> ${e.to}`).sort();

describe('trace across aggregation and transformation', () => {
  it('backward from the pallet reaches its cases, their lot and the harvested lot', () => {
    const t = trace(PALLET, 'backward');
    expect(new Map(t.nodes.map((n) => [n.id, [n.kind, n.depth]]))).toEqual(
      new Map([
        [PALLET_DL, ['object', 0]],
        [CASE1_DL, ['object', -1]],
        [key(CASE2), ['object', -1]],
        [LOT2_DL, ['class', -1]],
        [LOT1_DL, ['class', -2]],
      ]),
    );
    expect(edgeNames(t)).toEqual(
      [
        `packing: ${CASE1_DL} -> ${PALLET_DL}`,
        `packing: ${key(CASE2)} -> ${PALLET_DL}`,
        `packing: ${LOT2_DL} -> ${PALLET_DL}`,
        `transformation: ${LOT1_DL} -> ${CASE1_DL}`,
        `transformation: ${LOT1_DL} -> ${key(CASE2)}`,
        `transformation: ${LOT1_DL} -> ${LOT2_DL}`,
      ].sort(),
    );
    const packing = t.edges.find((e) => names.get(e.eventID) === 'packing');
    expect(packing).toMatchObject({
      eventType: 'AggregationEvent',
      eventTime: chain.packing.eventTime,
      org: 'valley-packers',
      bizStep: 'packing',
    });
    // Custody: every event that named a traced object, in event time order; not the unrelated ones.
    expect(t.custody.map((c) => names.get(c.eventID))).toEqual([
      'harvest',
      'cooling',
      'transformation',
      'packing',
      'shipping',
      'receiving',
    ]);
    expect(t.custody.at(-1)).toMatchObject({
      org: 'freshmart',
      bizStep: 'receiving',
      bizLocation: RETAILER,
      objects: [PALLET_DL],
    });
    expect(t.truncated).toBe(false);
  });

  it('forward from the harvested lot (URN or Digital Link) reaches the pallet', () => {
    const t = trace(LOT1, 'forward');
    expect(t).toEqual(trace(LOT1_DL, 'forward'));
    expect(t.nodes.map((n) => [n.id, n.depth])).toEqual([
      [LOT1_DL, 0],
      [CASE1_DL, 1],
      [key(CASE2), 1],
      [LOT2_DL, 1],
      [PALLET_DL, 2],
    ]);
    expect(t.custody.map((c) => names.get(c.eventID))).toEqual([
      'harvest',
      'cooling',
      'transformation',
      'packing',
      'shipping',
      'receiving',
    ]);
  });

  it('one case: backward to its lot, forward to its pallet, both is the union', () => {
    const back = trace(CASE1, 'backward');
    expect(back.nodes.map((n) => n.id)).toEqual([CASE1_DL, LOT1_DL]);
    expect(back.custody.map((c) => names.get(c.eventID))).toEqual([
      'harvest',
      'cooling',
      'transformation',
      'packing',
    ]);
    const forward = trace(CASE1, 'forward');
    expect(forward.nodes.map((n) => n.id)).toEqual([CASE1_DL, PALLET_DL]);
    expect(forward.custody.map((c) => names.get(c.eventID))).toEqual([
      'transformation',
      'packing',
      'shipping',
      'receiving',
    ]);
    const both = trace(CASE1_DL, 'both');
    expect(both.nodes.map((n) => n.id).sort()).toEqual([CASE1_DL, LOT1_DL, PALLET_DL].sort());
    expect(both.edges).toHaveLength(back.edges.length + forward.edges.length);
  });

  it('knows no object that no event names, and stops at its limits', () => {
    expect(traceObject(ledger.store.index.reader, key('urn:epc:id:sgtin:0614141.107346.1'), 'both')).toBe(
      undefined,
    );
    const limited = traceObject(ledger.store.index.reader, key(PALLET), 'backward', {
      maxNodes: 2,
      maxEvents: 100,
    });
    expect(limited?.trace.truncated).toBe(true);
    expect(limited?.trace.nodes.length).toBeLessThanOrEqual(2);
  });
});

describe('FSMA 204 sortable spreadsheet', () => {
  it('maps event types and bizSteps to critical tracking events', () => {
    expect(criticalTrackingEvent(chain.harvest)).toBe('harvesting');
    expect(criticalTrackingEvent(chain.cooling)).toBe('cooling');
    expect(criticalTrackingEvent(chain.transformation)).toBe('transformation');
    expect(criticalTrackingEvent(chain.packing)).toBe('initial packing');
    expect(criticalTrackingEvent(chain.shipping)).toBe('shipping');
    expect(criticalTrackingEvent(chain.receiving)).toBe('receiving');
    expect(criticalTrackingEvent(chain.declared)).toBe(undefined);
  });

  it('has one row per CTE and traced lot, with its key data elements', () => {
    const result = traceObject(ledger.store.index.reader, key(PALLET), 'backward');
    if (!result) throw new Error('no trace');
    const rows = fsmaRows(result.trace, result.events);
    const byEvent = (name: string) => rows.filter((r) => names.get(r[9] ?? '') === name);
    expect(byEvent('harvest')).toEqual([
      [
        'LOT1',
        '10614141073464',
        '1000',
        'KGM',
        'urn:epc:id:sgln:0614141.00001.0',
        chain.harvest.eventTime,
        'harvesting',
        '',
        '',
        chain.harvest.eventID,
      ],
    ]);
    expect(byEvent('transformation')).toEqual([
      [
        'LOT2',
        '20614141073461',
        '40',
        'CS',
        PACKER,
        chain.transformation.eventTime,
        'transformation',
        'prodorder',
        PROD_ORDER,
        chain.transformation.eventID,
      ],
      [
        'LOT1',
        '10614141073464',
        '1000',
        'KGM',
        PACKER,
        chain.transformation.eventTime,
        'transformation',
        'prodorder',
        PROD_ORDER,
        chain.transformation.eventID,
      ],
      [
        CASE1_DL,
        '10614141073464',
        '1',
        'EA',
        PACKER,
        chain.transformation.eventTime,
        'transformation',
        'prodorder',
        PROD_ORDER,
        chain.transformation.eventID,
      ],
      [
        key(CASE2),
        '10614141073464',
        '1',
        'EA',
        PACKER,
        chain.transformation.eventTime,
        'transformation',
        'prodorder',
        PROD_ORDER,
        chain.transformation.eventID,
      ],
    ]);
    expect(byEvent('shipping')).toEqual([
      [
        PALLET_DL,
        '',
        '1',
        'EA',
        PACKER,
        chain.shipping.eventTime,
        'shipping',
        'desadv; bol',
        'urn:epcglobal:cbv:bt:0614141000029:856-1; urn:epcglobal:cbv:bt:0614141000029:211-1',
        chain.shipping.eventID,
      ],
    ]);
    expect(byEvent('receiving')).toEqual([
      [
        PALLET_DL,
        '',
        '1',
        'EA',
        RETAILER,
        chain.receiving.eventTime,
        'receiving',
        '',
        '',
        chain.receiving.eventID,
      ],
    ]);
    expect(byEvent('cooling')).toHaveLength(1);
    expect(byEvent('packing')).toHaveLength(4); // LOT2 and the two cases and the pallet
  });

  it('writes RFC 4180 CSV: CRLF, quoted commas, quotes and line breaks, formulas defused', () => {
    expect(toCsv([FSMA_COLUMNS])).toBe(`${FSMA_COLUMNS.join(',')}\r\n`);
    expect(toCsv([['a,b', 'say "hi"', 'two\nlines', 'plain', '=SUM(A1)', '-1']])).toBe(
      `"a,b","say ""hi""","two\nlines",plain,'=SUM(A1),'-1\r\n`,
    );
  });
});
