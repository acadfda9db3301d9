import { describe, expect, it } from 'vitest';
import { parseCsv, toCsvLine } from '../../console/src/csv.js';
import { NON_MEMBER, otherFields } from '../../console/src/fields.js';
import { pathThrough } from '../../console/src/graph.js';
import { eventNodeId, layeredLayout } from '../../console/src/layout.js';
import { parseSearch } from '../../console/src/search.js';
import { publicView, tierContext } from '../../services/privacy/index.js';
import { markedShipment } from '../support/sealed.js';

// The console's logic that needs no browser: what the search box makes of input, and the layered layout.

describe('the console search box', () => {
  const sgtin = 'urn:epc:id:sgtin:0614141.007346.2017';
  const digitalLink = 'https://id.gs1.org/01/00614141073467/21/2017';

  it('sends an EPC URN, its Digital Link and its element string to the same object', () => {
    expect(parseSearch(sgtin)).toEqual({ kind: 'object', id: digitalLink });
    expect(parseSearch(digitalLink)).toEqual({ kind: 'object', id: digitalLink });
    expect(parseSearch('(01)00614141073467(21)2017')).toEqual({ kind: 'object', id: digitalLink });
  });

  it('checks GS1 check digits before anything is asked', () => {
    expect(parseSearch('(01)00614141073468(21)2017').kind).toBe('error');
    expect(parseSearch('00614141073468')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/check digit/),
    });
    expect(parseSearch('https://id.gs1.org/01/00614141073468/21/2017').kind).toBe('error');
    expect(parseSearch('106141412345678906')).toMatchObject({ kind: 'error' });
  });

  it('reads a GTIN, an SSCC, a lot, a height, a tx id and an eventID', () => {
    expect(parseSearch('00614141073467')).toMatchObject({ kind: 'gtin', gtin: '00614141073467' });
    expect(parseSearch('106141412345678908')).toEqual({
      kind: 'object',
      id: 'https://id.gs1.org/00/106141412345678908',
    });
    expect(parseSearch('(01)00614141073467(10)LOT-7')).toEqual({
      kind: 'object',
      id: 'https://id.gs1.org/01/00614141073467/10/LOT-7',
    });
    expect(parseSearch('42')).toEqual({ kind: 'block', height: 42 });
    expect(parseSearch('ab'.repeat(32))).toEqual({ kind: 'tx', txId: 'ab'.repeat(32) });
    expect(parseSearch('urn:uuid:7c1f6a5e-0000-4000-8000-000000000001')).toMatchObject({ kind: 'event' });
    expect(parseSearch('hello there').kind).toBe('error');
  });
});

describe('the layered lineage layout', () => {
  const nodes = [
    { id: 'lot', depth: -1 },
    { id: 'case', depth: 0 },
    { id: 'case2', depth: 1 },
    { id: 'pallet', depth: 1 },
  ];
  const edges = [
    { from: 'lot', to: 'case', eventID: 'e1', eventType: 'TransformationEvent' },
    { from: 'case', to: 'pallet', eventID: 'e2', eventType: 'AggregationEvent' },
  ];

  it('puts objects in columns by depth with one process node per event between them', () => {
    const { nodes: laid, edges: links } = layeredLayout(nodes, edges);
    const x = (id: string) => laid.find((n) => n.id === id)?.x ?? Number.NaN;
    expect(x('lot')).toBeLessThan(x(eventNodeId('e1')));
    expect(x(eventNodeId('e1'))).toBeLessThan(x('case'));
    expect(x('case')).toBeLessThan(x(eventNodeId('e2')));
    expect(x(eventNodeId('e2'))).toBeLessThan(x('pallet'));
    expect(links).toHaveLength(4);
  });

  it('gives the same picture whatever order the trace lists things in', () => {
    const a = layeredLayout(nodes, edges);
    const b = layeredLayout([...nodes].reverse(), [...edges].reverse());
    const pos = (l: typeof a) => Object.fromEntries(l.nodes.map((n) => [n.id, [n.x, n.y]]));
    expect(pos(b)).toEqual(pos(a));
  });

  it('lays out 1,000 nodes with no overlap', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ id: `n${i}`, depth: (i % 7) - 3 }));
    const links = many
      .slice(1)
      .map((n, i) => ({ from: many[i]?.id ?? '', to: n.id, eventID: `e${i % 300}`, eventType: 'X' }));
    const laid = layeredLayout(many, links).nodes;
    expect(new Set(laid.map((n) => `${n.x},${n.y}`)).size).toBe(laid.length);
  });

  it('highlights everything upstream and downstream of a node, nothing beside it', () => {
    const { edges: links } = layeredLayout(nodes, edges);
    const path = pathThrough(links, 'case');
    expect([...path].sort()).toEqual(['case', eventNodeId('e1'), eventNodeId('e2'), 'lot', 'pallet'].sort());
    expect(path.has('case2')).toBe(false);
  });
});

describe('the console CSV helpers', () => {
  it('reads quoted fields and writes them back', () => {
    const line = toCsvLine(['a', 'b,c', 'say "hi"']);
    expect(parseCsv(`${line}\r\nx,,z\r\n`)).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['x', '', 'z'],
    ]);
  });
});

describe('the console’s event fields', () => {
  // One definition of the public tier (services/verify/public-fields.ts) for the node and the console:
  // whatever the node keeps in the public view, or adds when serving, is never an "other field".
  const members = [{ id: 'a', parties: ['urn:epc:id:pgln:0614141.00000'], locations: [] }];
  const served = (event: Record<string, unknown>) => ({
    ...event,
    recordTime: '2026-06-01T08:00:01.000Z',
    'wb:sealed': { root: '00'.repeat(32), group: 0, held: false },
  });

  it('lists no field of the public view or the served extras as an extension, and every extension as one', () => {
    const event = markedShipment();
    const view = publicView(event, tierContext(members, ['waybill:minTemperature']));
    expect(otherFields(served(view))).toEqual([]);
    expect(otherFields(served(event))).toEqual(['example:price']);
    expect(NON_MEMBER).toBe('urn:waybill:sealed:non-member');
    expect(JSON.stringify(view)).toContain(NON_MEMBER);
  });
});
