import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idKey } from '../../../services/contracts/index.js';
import { type QueryBackend, queryBackend } from '../../../services/query/index.js';
import { aggregationEvent, commission, epc, PARTY, receive, ship, sscc } from '../../contracts/helpers.js';
import { Chain } from '../../ledger/chain.js';

// Who sees what, over one node's real ledger under the shipped custody rules: the farm's case goes
// to the packer, which packs it with a case of its own on a pallet for the retailer; the carrier
// has nothing to do with any of it.

describe('visibility over a committed ledger', () => {
  let chain: Chain;
  let query: QueryBackend;
  const farmCase = commission([epc(1)]);
  const farmShip = ship([epc(1)], PARTY.packer);
  const packerReceive = receive([epc(1)]);
  const packerCase = commission([epc(3)]);
  const pack = aggregationEvent({
    parentID: sscc(1),
    childEPCs: [epc(1), epc(3)],
    action: 'ADD',
    bizStep: 'packing',
  });
  const palletShip = ship([sscc(1)], PARTY.retail);
  const retailReceive = receive([sscc(1)]);
  const id = (e: Record<string, unknown>) => e.eventID as string;

  beforeAll(() => {
    chain = new Chain('farm');
    chain.commit(chain.capture('farm', [farmCase]));
    chain.commit(chain.capture('farm', [farmShip]));
    chain.commit(chain.capture('packer', [packerReceive, packerCase, pack, palletShip]));
    chain.commit(chain.capture('retail', [retailReceive]));
    for (const e of [farmCase, farmShip, packerReceive, packerCase, pack, palletShip, retailReceive])
      expect(chain.store.getEvent(id(e)), id(e)).toBeDefined();
    query = queryBackend(chain.store.index);
  });
  afterAll(() => chain.close());

  it('gives recipients full access, lineage holders the public view, anyone else none', () => {
    expect(query.eventAccess('farm', id(farmShip))).toBe('full');
    expect(query.eventAccess('packer', id(farmShip))).toBe('full');
    // The retailer received the pallet the farm's case went into: its lineage reaches the farm.
    expect(query.eventAccess('retail', id(farmCase))).toBe('public');
    expect(query.eventAccess('retail', id(farmShip))).toBe('public');
    // The farm held case 1, which went onto the pallet: it sees where its goods went (recalls).
    expect(query.eventAccess('farm', id(palletShip))).toBe('full'); // owner of case 1 on it
    expect(query.eventAccess('farm', id(retailReceive))).toBe('full');
    // The packer's own case is no lineage of the farm's: a sibling on the same pallet.
    expect(query.eventAccess('farm', id(packerCase))).toBe('none');
    for (const e of [farmCase, farmShip, packerReceive, packerCase, pack, palletShip, retailReceive])
      expect(query.eventAccess('carrier', id(e)), id(e)).toBe('none');
    expect(query.eventAccess('farm', 'urn:uuid:unknown')).toBe('none');
  });

  it('answers objects to those they concern', () => {
    const case1 = idKey(epc(1));
    expect(query.objectAccess('farm', case1)).toBe('full');
    // Custodian since the pallet's receipt, though no event it received names the case itself.
    expect(query.objectAccess('retail', case1)).toBe('public');
    expect(query.objectAccess('carrier', case1)).toBe('none');
    // The packing the farm received (its case went on the pallet) names case 3; the packer's
    // commissioning of case 3 stays out of the farm's sight (above).
    expect(query.objectAccess('farm', idKey(epc(3)))).toBe('full');
    expect(query.objectAccess('carrier', idKey(epc(3)))).toBe('none');
    expect(query.objectAccess('carrier', idKey(sscc(1)))).toBe('none');
  });

  it('filters lists in SQL: limits and pages count only what the caller receives', () => {
    const all = { filter: {}, orderBy: 'ledger' as const, descending: false, limit: 100 };
    const ids = (org: string) => query.events(org, all).events.map((e) => e.eventID);
    expect(ids('carrier')).toEqual([]);
    expect(ids('retail')).toEqual([id(palletShip), id(retailReceive)]);
    expect(ids('farm')).toEqual([farmCase, farmShip, packerReceive, pack, palletShip, retailReceive].map(id));
    const first = query.events('farm', { ...all, limit: 2 });
    expect(first.events.map((e) => e.eventID)).toEqual([id(farmCase), id(farmShip)]);
    const second = query.events('farm', { ...all, limit: 2, after: first.next });
    expect(second.events.map((e) => e.eventID)).toEqual([id(packerReceive), id(pack)]);
    expect(query.vocabulary('carrier', 'bizSteps', 10, '')).toEqual([]);
    expect(query.vocabulary('retail', 'bizSteps', 10, '')).toEqual(['receiving', 'shipping']);
  });

  it("traces what the caller may see: the retailer's reaches the farm, the carrier's nothing", () => {
    const pallet = idKey(sscc(1));
    const retail = query.trace('retail', pallet, 'backward');
    expect(retail?.trace.custody.map((s) => s.eventID)).toEqual(
      [farmCase, farmShip, packerReceive, packerCase, pack, palletShip, retailReceive].map(id),
    );
    expect(query.trace('carrier', pallet, 'backward')).toBeUndefined();
    expect(query.trace('carrier', idKey(epc(1)), 'both')).toBeUndefined();
    // The farm's forward trace of its case reaches the pallet and the retailer, not the packer's
    // own case's commissioning.
    const farm = query.trace('farm', idKey(epc(1)), 'forward');
    const steps = farm?.trace.custody.map((s) => s.eventID) ?? [];
    expect(steps).toContain(id(retailReceive));
    expect(steps).not.toContain(id(packerCase));
  });
});
