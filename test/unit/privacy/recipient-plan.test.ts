import { describe, expect, it } from 'vitest';
import { Directory } from '../../../services/contracts/index.js';
import {
  compileGrants,
  RecipientPlan,
  type RecipientPolicy,
  recipientsOf,
} from '../../../services/privacy/index.js';
import {
  aggregationEvent,
  commission,
  type Ev,
  epc,
  harness,
  MEMBERS,
  objectEvent,
  PARTY,
  receive,
  ship,
  sscc,
  transformationEvent,
} from '../../contracts/helpers.js';

const ORGS = ['farm', 'packer', 'retail'] as const;
const policy: RecipientPolicy = {
  directory: new Directory(MEMBERS),
  grants: compileGrants([], new Set(ORGS)),
};
const TIMESTAMP = 1_777_000_000_000;

/** A small deterministic PRNG (mulberry32): the same documents on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An event on a small pool of items and cases, of any kind the custody rules know. */
function randomEvent(next: () => number): Ev {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const item = () => epc(1 + Math.floor(next() * 6));
  const box = () => sscc(1 + Math.floor(next() * 2));
  const party = () => pick([PARTY.farm, PARTY.packer, PARTY.retail, PARTY.outsider]);
  switch (Math.floor(next() * 8)) {
    case 0:
      return commission([item()]);
    case 1:
      return ship([pick([item(), box()])], party());
    case 2:
      return receive([pick([item(), box()])], {
        ...(next() < 0.5 ? { destinationList: [{ type: 'owning_party', destination: party() }] } : {}),
      });
    case 3:
      return aggregationEvent({
        parentID: box(),
        childEPCs: [item(), item()],
        action: 'ADD',
        bizStep: 'packing',
      });
    case 4:
      return aggregationEvent({
        parentID: box(),
        childEPCs: [item()],
        action: 'DELETE',
        bizStep: 'unpacking',
      });
    case 5:
      return transformationEvent({
        inputEPCList: [item()],
        outputEPCList: [item()],
        bizStep: 'commissioning',
      });
    case 6:
      return objectEvent({
        epcList: [item()],
        action: 'OBSERVE',
        bizStep: 'inspecting',
        sourceList: [{ type: 'possessing_party', source: party() }],
      });
    default:
      return objectEvent({ epcList: [pick([item(), box()])], action: 'OBSERVE', bizStep: 'storing' });
  }
}

/**
 * Each accepted event's recipients as execution finds them (execute.ts: the custody state just
 * before and after it, the document's earlier accepted events applied) beside the plan's, made
 * from the committed state alone before the document runs.
 */
function compare(org: string, h: ReturnType<typeof harness>, events: Ev[]) {
  const plan = new RecipientPlan(org, TIMESTAMP, h.state, policy);
  const planned = events.map((e) => plan.next(e));
  const doc = h.state.fork();
  const out: Array<{ exact: string[]; planned: string[] }> = [];
  events.forEach((event, i) => {
    const after = doc.fork();
    const verdict = h.engine.process(event, h.ctx(org), after);
    if (!verdict.accepted) return;
    const exact = recipientsOf({ event, org, timestamp: TIMESTAMP, before: doc, after }, policy);
    after.commit();
    out.push({ exact, planned: planned[i] as string[] });
  });
  doc.commit();
  return out;
}

describe('RecipientPlan', () => {
  it('plans exactly what execution requires when every event is accepted', () => {
    const h = harness();
    h.ok('farm', commission([epc(1), epc(2)]));
    h.ok('farm', ship([epc(1)], PARTY.packer));
    const pairs = compare('farm', h, [
      commission([epc(3)]),
      aggregationEvent({ parentID: sscc(1), childEPCs: [epc(2), epc(3)], action: 'ADD', bizStep: 'packing' }),
      ship([sscc(1)], PARTY.retail),
      objectEvent({ epcList: [epc(3)], action: 'OBSERVE', bizStep: 'storing' }),
    ]);
    expect(pairs).toHaveLength(4);
    for (const { exact, planned } of pairs) expect(planned).toEqual(exact);
    // The case's items travel with it: the retailer is a recipient of the later observation too.
    expect(pairs[3]?.planned).toEqual(['farm', 'retail']);
  });

  it('keeps a shipment to one member away from an unrelated one to another', () => {
    const h = harness();
    h.ok('farm', commission([epc(1), epc(2)]));
    const pairs = compare('farm', h, [ship([epc(1)], PARTY.packer), ship([epc(2)], PARTY.retail)]);
    expect(pairs.map((p) => p.planned)).toEqual([
      ['farm', 'packer'],
      ['farm', 'retail'],
    ]);
  });

  it('is a superset of what execution requires, over random documents with rejected events', () => {
    let compared = 0;
    let equal = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const next = prng(seed);
      const h = harness();
      // Committed history: a few documents, each accepted event applied.
      for (let d = 0; d < 3; d++) {
        const org = ORGS[Math.floor(next() * ORGS.length)] as string;
        for (let k = 0; k < 4; k++) h.run(org, randomEvent(next));
      }
      const org = ORGS[Math.floor(next() * ORGS.length)] as string;
      const events = Array.from({ length: 8 }, () => randomEvent(next));
      for (const { exact, planned } of compare(org, h, events)) {
        compared++;
        if (planned.join() === exact.join()) equal++;
        for (const member of exact) {
          if (!planned.includes(member))
            throw new Error(`seed ${seed}: ${member} is required but not planned (${planned.join()})`);
        }
      }
    }
    // Enough accepted events to mean something, and most plans exact.
    expect(compared).toBeGreaterThan(1000);
    expect(equal / compared).toBeGreaterThan(0.8);
  });
});
