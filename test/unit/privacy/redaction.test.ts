import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createEngine,
  loadRuleFiles,
  MemoryCustodyState,
  stateRoot,
} from '../../../services/contracts/index.js';
import * as demo from '../../../services/demo/events.js';
import { publicIlmdKeysOf, publicView, tierContext } from '../../../services/privacy/index.js';
import { exampleEvents } from '../../fuzz/corpus.js';
import { RULE_FILES } from '../../support/ledger.js';

// Redaction soundness (docs/privacy.md): every node judges the public view only, so the custody
// rules must reach the same verdict and the same state from the view as from the whole event.

const members = ['grower', 'packer', 'carrier', 'retailer'].map((id, i) => ({
  id,
  parties: [`urn:epc:id:pgln:061414${i}.00000`],
  locations: [`urn:epc:id:sgln:061414${i}.00001.0`],
}));
const party = (i: number) => ({
  party: members[i]?.parties[0] as string,
  site: members[i]?.locations[0] as string,
});
const [grower, packer, carrier, retailer] = [0, 1, 2, 3].map(party) as [
  demo.Party,
  demo.Party,
  demo.Party,
  demo.Party,
];
const ruleSet = loadRuleFiles(RULE_FILES);
const tiers = tierContext(members, publicIlmdKeysOf(ruleSet));

/** The demo's custody story, with sealed extras a real capture would carry. */
function story(): Array<{ org: string; event: Record<string, unknown> }> {
  const ids = demo.identifiers('rd1');
  const extra = (e: Record<string, unknown>) => ({
    ...e,
    'example:price': 12.5,
    certificationInfo: 'https://example.com/cert/1',
  });
  const steps: Array<[string, Record<string, unknown>]> = [
    ...demo
      .commissionLots(grower, ids.lots)
      .map((e): [string, Record<string, unknown>] => ['grower', extra(e)]),
    ['grower', extra(demo.ship(grower, packer, ids.lots, '1'))],
    ['packer', demo.receive(packer, ids.lots, '1', packer)],
    ['packer', demo.transform(packer, ids.lots[0] as string, ids.cases.slice(0, 2))],
    ['packer', demo.pack(packer, ids.pallets[0] as string, ids.cases.slice(0, 2))],
    ['packer', demo.ship(packer, carrier, [ids.pallets[0] as string], '2')],
    ['carrier', demo.receive(carrier, [ids.pallets[0] as string], '2')],
    ['carrier', demo.temperature(carrier, ids.pallets[0] as string, 9.5)],
    ['carrier', demo.ship(carrier, retailer, [ids.pallets[0] as string], '3')],
    ['retailer', demo.receive(retailer, [ids.pallets[0] as string], '3', retailer)],
    ['grower', demo.ship(grower, packer, [ids.pallets[0] as string], '4')],
    ['grower', demo.recall(grower, ids.lots[0] as string)],
  ];
  return steps.map(([org, event], i) => ({
    org,
    event: { ...event, eventID: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}` },
  }));
}

/** Verdicts and the state root after each event, judging whole events or their public views. */
function judge(events: ReadonlyArray<{ org: string; event: Record<string, unknown> }>, view: boolean) {
  const engine = createEngine(ruleSet, members);
  const state = new MemoryCustodyState();
  return events.map(({ org, event }, i) => {
    const judged = view ? publicView(event, tiers) : event;
    const v = engine.process(judged, { org, height: i + 1, timestamp: 1_000 + i }, state);
    return { accepted: v.accepted, code: v.accepted ? undefined : v.code, root: stateRoot(state) };
  });
}

describe('engine(view(e)) ≡ engine(e)', () => {
  it('over the demo story with sealed extras: same verdicts and state roots after every event', () => {
    const events = story();
    const whole = judge(events, false);
    expect(judge(events, true)).toEqual(whole);
    // The story exercises the rules: acceptances, a temperature flag and a refusal.
    expect(whole.filter((v) => v.accepted).length).toBeGreaterThan(8);
    expect(whole.map((v) => v.code)).toContain('CUSTODY_NOT_HELD');
  });

  it('over GS1’s example events, each captured by every member in turn', () => {
    const examples = exampleEvents().filter(
      (e): e is Record<string, unknown> => typeof e === 'object' && e !== null,
    );
    expect(examples.length).toBeGreaterThan(10);
    for (const org of members.map((m) => m.id)) {
      const events = examples.map((event) => ({ org, event }));
      expect(judge(events, true)).toEqual(judge(events, false));
    }
  });

  it('over fuzzed events naming member and non-member parties, sites and ilmd', () => {
    const id = fc.constantFrom(
      'urn:epc:id:sgtin:0614141.107346.1',
      'urn:epc:id:sgtin:0614141.107346.2',
      'urn:epc:class:lgtin:0614141.107346.L1',
    );
    const partyId = fc.constantFrom(
      ...members.map((m) => m.parties[0] as string),
      'urn:epc:id:pgln:0999999.00000',
    );
    const site = fc.constantFrom(
      ...members.map((m) => m.locations[0] as string),
      'urn:epc:id:sgln:0999999.00001.0',
    );
    const event = fc.record({
      type: fc.constantFrom('ObjectEvent', 'AggregationEvent', 'TransformationEvent'),
      action: fc.constantFrom('ADD', 'OBSERVE', 'DELETE'),
      bizStep: fc.constantFrom('commissioning', 'shipping', 'receiving', 'packing', 'holding'),
      disposition: fc.constantFrom('active', 'in_transit', 'recalled'),
      epcList: fc.array(id, { maxLength: 2 }),
      parentID: id,
      childEPCs: fc.array(id, { maxLength: 2 }),
      quantityList: fc.array(
        fc.record({ epcClass: id, quantity: fc.integer({ min: 1, max: 5 }), uom: fc.constant('KGM') }),
        { maxLength: 1 },
      ),
      readPoint: fc.record({ id: site }),
      sourceList: fc.array(
        fc.record({
          type: fc.constantFrom('possessing_party', 'owning_party', 'location'),
          source: fc.oneof(partyId, site),
        }),
        { maxLength: 2 },
      ),
      destinationList: fc.array(
        fc.record({
          type: fc.constantFrom('possessing_party', 'owning_party', 'location'),
          destination: fc.oneof(partyId, site),
        }),
        { maxLength: 2 },
      ),
      ilmd: fc.record({
        'waybill:minTemperature': fc.integer({ min: -5, max: 5 }),
        'waybill:maxTemperature': fc.integer({ min: 5, max: 10 }),
        'example:lot': fc.string(),
      }),
      bizTransactionList: fc.array(fc.record({ type: fc.constant('po'), bizTransaction: fc.string() }), {
        maxLength: 1,
      }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...members.map((m) => m.id)), event), { maxLength: 8 }),
        (steps) => {
          const events = steps.map(([org, e], i) => ({ org, event: { ...e, eventID: `urn:uuid:${i}` } }));
          expect(judge(events, true)).toEqual(judge(events, false));
        },
      ),
      { numRuns: 40 },
    );
  }, 180_000);
});
