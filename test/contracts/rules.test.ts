import { describe, expect, it } from 'vitest';
import { idKey } from '../../services/contracts/index.js';
import {
  aggregationEvent,
  commission,
  commissionLot,
  dl,
  epc,
  harness,
  LOT,
  LOT_DL,
  objectEvent,
  PARTY,
  receive,
  SITE,
  ship,
  sscc,
  transformationEvent,
} from './helpers.js';

const key = idKey;

describe('commission', () => {
  it('creates objects owned and held by the submitter', () => {
    const h = harness();
    const v = h.ok('farm', commission([epc(1)], { readPoint: { id: SITE.farm } }));
    expect(v.accepted && v.rules).toEqual(['commission']);
    expect(h.state.getObject(key(epc(1)))).toMatchObject({
      id: dl(1),
      owner: 'farm',
      custodian: 'farm',
      status: 'active',
      flags: [],
      commissioner: 'farm',
      location: key(SITE.farm),
    });
  });

  it('rejects re-commissioning, whatever the identifier form: ALREADY_EXISTS', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    expect(h.code('packer', commission([dl(1)]))).toBe('ALREADY_EXISTS');
  });

  it('credits quantity lots to the submitter', () => {
    const h = harness();
    h.ok('farm', commissionLot(100));
    expect(h.state.getBalance({ epcClass: key(LOT_DL), uom: 'KGM', holder: 'farm' })).toBe(100);
  });
});

describe('ship', () => {
  it('puts the object in transit to the consignee named by party', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    h.ok('farm', ship([dl(1)], PARTY.packer));
    expect(h.state.getObject(key(epc(1)))).toMatchObject({
      status: 'in_transit',
      consignee: 'packer',
      custodian: 'farm',
    });
  });

  it('resolves the consignee by location, in Digital Link form too', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    h.ok(
      'farm',
      ship([epc(1)], '', { destinationList: [{ type: 'location', destination: key(SITE.retail) }] }),
    );
    expect(h.state.getObject(key(epc(1)))?.consignee).toBe('retail');
  });

  it('rejects a non-custodian: CUSTODY_NOT_HELD', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    expect(h.code('packer', ship([epc(1)], PARTY.retail))).toBe('CUSTODY_NOT_HELD');
  });

  it('rejects an unknown destination: UNKNOWN_PARTY', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    expect(h.code('farm', ship([epc(1)], PARTY.outsider))).toBe('UNKNOWN_PARTY');
    expect(h.code('farm', ship([epc(1)], PARTY.packer, { destinationList: [] }))).toBe('UNKNOWN_PARTY');
  });

  it('rejects objects in transit, consumed or destroyed: NOT_ACTIVE', () => {
    const h = harness();
    h.ok('farm', commission([epc(1), epc(2)]));
    h.ok('farm', ship([epc(1)], PARTY.packer));
    expect(h.code('farm', ship([epc(1)], PARTY.packer))).toBe('NOT_ACTIVE');
    h.ok('farm', objectEvent({ epcList: [epc(2)], action: 'DELETE', bizStep: 'destroying' }));
    expect(h.code('farm', ship([epc(2)], PARTY.packer))).toBe('NOT_ACTIVE');
  });

  it('rejects recalled objects: RECALLED', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    h.ok('farm', objectEvent({ epcList: [epc(1)], action: 'OBSERVE', disposition: 'recalled' }));
    expect(h.code('farm', ship([epc(1)], PARTY.packer))).toBe('RECALLED');
  });

  it('rejects objects nobody commissioned: UNKNOWN_OBJECT', () => {
    const h = harness();
    expect(h.code('farm', ship([epc(9)], PARTY.packer))).toBe('UNKNOWN_OBJECT');
  });

  it('moves quantities, and rejects shipping more than held: INSUFFICIENT_QUANTITY', () => {
    const h = harness();
    h.ok('farm', commissionLot(100));
    const lot = (quantity: number) => ({ quantityList: [{ epcClass: LOT_DL, quantity, uom: 'KGM' }] });
    expect(h.code('farm', ship([], PARTY.packer, lot(150)))).toBe('INSUFFICIENT_QUANTITY');
    h.ok('farm', ship([], PARTY.packer, lot(60)));
    expect(h.state.getBalance({ epcClass: key(LOT), uom: 'KGM', holder: 'farm' })).toBe(40);
    expect(h.code('packer', ship([], PARTY.retail, lot(1)))).toBe('INSUFFICIENT_QUANTITY');
    h.ok('packer', receive([], lot(60)));
    expect(h.state.getBalance({ epcClass: key(LOT), uom: 'KGM', holder: 'packer' })).toBe(60);
    expect(h.state.getBalance({ epcClass: key(LOT), uom: 'KGM', holder: 'transit:packer' })).toBe(0);
  });
});

describe('receive', () => {
  it('moves custody to the consignee, and ownership where owning_party names it', () => {
    const h = harness();
    h.ok('farm', commission([epc(1), epc(2)]));
    h.ok('farm', ship([epc(1), epc(2)], PARTY.packer));
    h.ok('packer', receive([epc(1)]));
    expect(h.state.getObject(key(epc(1)))).toMatchObject({
      status: 'active',
      custodian: 'packer',
      owner: 'farm',
    });
    expect(h.state.getObject(key(epc(1)))?.consignee).toBeUndefined();
    h.ok(
      'packer',
      receive([epc(2)], { destinationList: [{ type: 'owning_party', destination: PARTY.packer }] }),
    );
    expect(h.state.getObject(key(epc(2)))).toMatchObject({ custodian: 'packer', owner: 'packer' });
  });

  it('rejects anyone but the consignee: NOT_CONSIGNEE', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    h.ok('farm', ship([epc(1)], PARTY.packer));
    expect(h.code('retail', receive([epc(1)]))).toBe('NOT_CONSIGNEE');
  });

  it('rejects receiving what was never shipped: NOT_IN_TRANSIT', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    expect(h.code('packer', receive([epc(1)]))).toBe('NOT_IN_TRANSIT');
    const lot = { quantityList: [{ epcClass: LOT, quantity: 5, uom: 'KGM' }] };
    expect(h.code('packer', receive([], lot))).toBe('NOT_IN_TRANSIT');
  });

  it('introduces goods received from outside the consortium', () => {
    const h = harness();
    const from = { sourceList: [{ type: 'possessing_party', source: PARTY.outsider }] };
    h.ok('packer', receive([epc(5)], from));
    expect(h.state.getObject(key(epc(5)))).toMatchObject({
      owner: 'packer',
      custodian: 'packer',
      status: 'active',
    });
  });

  it('rejects unknown objects from a member or no source: UNKNOWN_OBJECT', () => {
    const h = harness();
    expect(h.code('packer', receive([epc(5)]))).toBe('UNKNOWN_OBJECT');
    const from = { sourceList: [{ type: 'possessing_party', source: PARTY.farm }] };
    expect(h.code('packer', receive([epc(5)], from))).toBe('UNKNOWN_OBJECT');
  });
});

describe('pack and unpack', () => {
  const pack = (parent: string, children: string[]) =>
    aggregationEvent({ parentID: parent, childEPCs: children, action: 'ADD', bizStep: 'packing' });
  const unpack = (parent: string, children: string[]) =>
    aggregationEvent({ parentID: parent, childEPCs: children, action: 'DELETE', bizStep: 'unpacking' });

  it('packs children held by the packer; shipping and receiving the parent moves them', () => {
    const h = harness();
    h.ok('farm', commission([epc(1), epc(2)]));
    h.ok('farm', pack(sscc(1), [epc(1), epc(2)]));
    expect(h.state.getObject(key(sscc(1)))).toMatchObject({ custodian: 'farm', children: [dl(1), dl(2)] });
    expect(h.state.getObject(key(epc(1)))?.parent).toBe(key(sscc(1)));
    h.ok('farm', ship([sscc(1)], PARTY.packer));
    expect(h.state.getObject(key(epc(2)))).toMatchObject({ status: 'in_transit', consignee: 'packer' });
    h.ok('packer', receive([sscc(1)]));
    expect(h.state.getObject(key(epc(2)))).toMatchObject({ status: 'active', custodian: 'packer' });
  });

  it('rejects shipping a parent with recalled contents: RECALLED', () => {
    const h = harness();
    h.ok('farm', commission([epc(1), epc(2)]));
    h.ok('farm', pack(sscc(2), [epc(2)]));
    h.ok('farm', pack(sscc(1), [epc(1), sscc(2)]));
    h.ok('farm', objectEvent({ epcList: [epc(2)], action: 'OBSERVE', disposition: 'recalled' }));
    expect(h.code('farm', ship([sscc(1)], PARTY.packer))).toBe('RECALLED');
    expect(h.state.getObject(key(sscc(1)))?.flags).toEqual(['contains_recalled']);
    expect(h.state.getObject(key(sscc(2)))?.flags).toEqual(['contains_recalled']);
    h.ok('farm', unpack(sscc(2), [epc(2)]));
    expect(h.state.getObject(key(sscc(1)))?.flags).toEqual([]);
    expect(h.state.getObject(key(sscc(2)))?.flags).toEqual([]);
    h.ok('farm', ship([sscc(1)], PARTY.packer));
    expect(h.state.getObject(key(sscc(2)))?.status).toBe('in_transit');
  });

  it('rejects packing a child held by another org: CUSTODY_NOT_HELD', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    expect(h.code('packer', pack(sscc(1), [epc(1)]))).toBe('CUSTODY_NOT_HELD');
    expect(h.code('packer', pack(sscc(1), [epc(7)]))).toBe('UNKNOWN_OBJECT');
  });

  it('unpacks, separating the children', () => {
    const h = harness();
    h.ok('farm', commission([epc(1), epc(2)]));
    h.ok('farm', pack(sscc(1), [epc(1), epc(2)]));
    h.ok('farm', unpack(sscc(1), [epc(1)]));
    expect(h.state.getObject(key(epc(1)))?.parent).toBeUndefined();
    expect(h.state.getObject(key(sscc(1)))?.children).toEqual([dl(2)]);
    h.ok('farm', unpack(sscc(1), []));
    expect(h.state.getObject(key(sscc(1)))?.children).toBeUndefined();
  });

  it('rejects unpacking by another org or of a child not inside', () => {
    const h = harness();
    h.ok('farm', commission([epc(1), epc(2)]));
    h.ok('farm', pack(sscc(1), [epc(1)]));
    expect(h.code('packer', unpack(sscc(1), [epc(1)]))).toBe('CUSTODY_NOT_HELD');
    expect(h.code('farm', unpack(sscc(1), [epc(2)]))).toBe('NOT_PACKED');
    expect(h.code('farm', unpack(sscc(2), []))).toBe('UNKNOWN_OBJECT');
  });
});

describe('transform', () => {
  const transform = (inputs: string[], outputs: string[], extra = {}) =>
    transformationEvent({ inputEPCList: inputs, outputEPCList: outputs, bizStep: 'commissioning', ...extra });

  it('consumes inputs and creates outputs with lineage', () => {
    const h = harness();
    h.ok('farm', commission([epc(1), epc(2)]));
    h.ok('farm', transform([epc(1), epc(2)], [epc(10)]));
    expect(h.state.getObject(key(epc(1)))).toMatchObject({ status: 'consumed', outputs: [dl(10)] });
    expect(h.state.getObject(key(epc(10)))).toMatchObject({ owner: 'farm', inputs: [dl(1), dl(2)] });
  });

  it('rejects inputs not held or not active: INPUT_NOT_HELD', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    expect(h.code('packer', transform([epc(1)], [epc(10)]))).toBe('INPUT_NOT_HELD');
    h.ok('farm', transform([epc(1)], [epc(10)]));
    expect(h.code('farm', transform([epc(1)], [epc(11)]))).toBe('INPUT_NOT_HELD');
    expect(h.code('farm', transform([epc(99)], [epc(12)]))).toBe('INPUT_NOT_HELD');
  });

  it('rejects outputs that exist: ALREADY_EXISTS', () => {
    const h = harness();
    h.ok('farm', commission([epc(1), epc(2)]));
    expect(h.code('farm', transform([epc(1)], [epc(2)]))).toBe('ALREADY_EXISTS');
  });

  it('consumes input lots and rejects consuming more than held', () => {
    const h = harness();
    h.ok('farm', commissionLot(10));
    const lots = (q: number) => ({
      inputQuantityList: [{ epcClass: LOT, quantity: q, uom: 'KGM' }],
      outputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.107346.OUT', quantity: 4, uom: 'CS' }],
    });
    expect(h.code('farm', transform([], [], lots(11)))).toBe('INPUT_NOT_HELD');
    h.ok('farm', transform([], [], lots(10)));
    expect(h.state.getBalance({ epcClass: key(LOT), uom: 'KGM', holder: 'farm' })).toBe(0);
    const out = key('urn:epc:class:lgtin:0614141.107346.OUT');
    expect(h.state.getBalance({ epcClass: out, uom: 'CS', holder: 'farm' })).toBe(4);
  });
});

describe('decommission and destroy', () => {
  for (const step of ['decommissioning', 'destroying']) {
    it(`${step} is terminal`, () => {
      const h = harness();
      h.ok('farm', commission([epc(1)]));
      expect(h.code('packer', objectEvent({ epcList: [epc(1)], action: 'DELETE', bizStep: step }))).toBe(
        'CUSTODY_NOT_HELD',
      );
      h.ok('farm', objectEvent({ epcList: [epc(1)], action: 'DELETE', bizStep: step }));
      expect(h.state.getObject(key(epc(1)))?.status).toBe('destroyed');
      expect(h.code('farm', objectEvent({ epcList: [epc(1)], action: 'DELETE', bizStep: step }))).toBe(
        'NOT_ACTIVE',
      );
      expect(h.code('farm', objectEvent({ epcList: [epc(1)], action: 'OBSERVE', bizStep: 'storing' }))).toBe(
        'NOT_ACTIVE',
      );
      expect(h.code('farm', objectEvent({ epcList: [epc(2)], action: 'DELETE', bizStep: step }))).toBe(
        'UNKNOWN_OBJECT',
      );
    });
  }
});

describe('recall', () => {
  it('flags the object and everything derived from it', () => {
    const h = harness();
    h.ok('farm', commission([epc(1), epc(2)]));
    h.ok('farm', transformationEvent({ inputEPCList: [epc(1)], outputEPCList: [epc(10)] }));
    h.ok('farm', aggregationEvent({ parentID: sscc(1), childEPCs: [epc(10), epc(2)], action: 'ADD' }));
    h.ok('farm', ship([sscc(1)], PARTY.packer));
    h.ok('packer', receive([sscc(1)]));
    const recall = objectEvent({
      epcList: [epc(1)],
      action: 'OBSERVE',
      bizStep: 'holding',
      disposition: 'recalled',
    });
    expect(h.code('packer', recall)).toBe('NOT_COMMISSIONER');
    h.ok('farm', recall);
    expect(h.state.getObject(key(epc(1)))?.flags).toEqual(['recalled']);
    expect(h.state.getObject(key(epc(10)))?.flags).toEqual(['recalled']);
    // The pallet holding a recalled case says so; its other case is not recalled.
    expect(h.state.getObject(key(sscc(1)))?.flags).toEqual(['contains_recalled']);
    expect(h.state.getObject(key(epc(2)))?.flags).toEqual([]);
    expect(h.code('packer', ship([epc(10)], PARTY.retail))).toBe('RECALLED');
  });

  it('rejects recalling unknown objects: UNKNOWN_OBJECT', () => {
    const h = harness();
    expect(
      h.code('farm', objectEvent({ epcList: [epc(1)], action: 'OBSERVE', disposition: 'recalled' })),
    ).toBe('UNKNOWN_OBJECT');
  });
});

describe('cold chain', () => {
  const reading = (epcs: string[], value: number) =>
    objectEvent({
      epcList: epcs,
      action: 'OBSERVE',
      bizStep: 'sensor_reporting',
      sensorElementList: [{ sensorReport: [{ type: 'Temperature', value, uom: 'CEL' }] }],
    });

  it('flags an excursion outside the declared range and records an alert', () => {
    const h = harness();
    h.ok(
      'farm',
      commission([epc(1)], { ilmd: { 'waybill:minTemperature': 2, 'waybill:maxTemperature': 8 } }),
    );
    h.ok('farm', commission([epc(2)]));
    h.ok('farm', reading([epc(1), epc(2)], 5.5));
    expect(h.state.getObject(key(epc(1)))?.flags).toEqual([]);
    expect(h.state.alertCount()).toBe(0);
    h.ok('farm', reading([epc(1), epc(2)], 9.25));
    expect(h.state.getObject(key(epc(1)))?.flags).toEqual(['temperature_excursion']);
    expect(h.state.getObject(key(epc(2)))?.flags).toEqual([]);
    expect([...h.state.alerts()]).toMatchObject([
      { seq: 0, type: 'temperature_excursion', object: dl(1), value: 9.25, min: 2, max: 8 },
    ]);
  });

  it('rejects sensor reports about unknown objects: UNKNOWN_OBJECT', () => {
    const h = harness();
    expect(h.code('farm', reading([epc(1)], 4))).toBe('UNKNOWN_OBJECT');
  });
});

describe('observe (fallback)', () => {
  it('accepts observations of known objects and records the location', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    const event = objectEvent({
      epcList: [epc(1)],
      action: 'OBSERVE',
      bizStep: 'storing',
      bizLocation: { id: SITE.farm },
    });
    const v = h.ok('farm', event);
    expect(v.accepted && v.rules).toEqual(['observe']);
    expect(h.state.getObject(key(epc(1)))).toMatchObject({
      lastEventID: event.eventID,
      location: key(SITE.farm),
    });
  });

  it('rejects observations of unknown objects: UNKNOWN_OBJECT', () => {
    const h = harness();
    expect(h.code('farm', objectEvent({ epcList: [epc(1)], action: 'OBSERVE', bizStep: 'storing' }))).toBe(
      'UNKNOWN_OBJECT',
    );
  });
});

describe('evaluate is pure', () => {
  it('does not touch the state; apply does', () => {
    const h = harness();
    const event = commission([epc(1)]);
    const ctx = h.ctx('farm');
    const verdict = h.engine.evaluate(event, ctx, h.state);
    expect(verdict.accepted).toBe(true);
    expect(h.state.getObject(key(epc(1)))).toBeUndefined();
    h.engine.apply(event, ctx, h.state, verdict);
    expect(h.state.getObject(key(epc(1)))?.owner).toBe('farm');
  });
});

describe('quantities', () => {
  it('rejects zero, negative or huge quantities: INVALID_QUANTITY', () => {
    const h = harness();
    h.ok('farm', commissionLot(10));
    const lot = (quantity: number) => ({ quantityList: [{ epcClass: LOT, quantity, uom: 'KGM' }] });
    expect(h.code('farm', ship([], PARTY.packer, lot(-5)))).toBe('INVALID_QUANTITY');
    expect(h.code('farm', commissionLot(0))).toBe('INVALID_QUANTITY');
    expect(h.code('farm', commissionLot(1e300))).toBe('INVALID_QUANTITY');
    expect(h.code('packer', receive([], lot(-1)))).toBe('INVALID_QUANTITY');
    expect(h.state.getBalance({ epcClass: key(LOT), uom: 'KGM', holder: 'farm' })).toBe(10);
  });

  it('keeps fractional quantities as doubles', () => {
    const h = harness();
    h.ok('farm', commissionLot(0.5));
    h.ok('farm', commissionLot(0.25));
    const lot = { quantityList: [{ epcClass: LOT, quantity: 0.75, uom: 'KGM' }] };
    h.ok('farm', ship([], PARTY.packer, lot));
    expect(h.state.getBalance({ epcClass: key(LOT), uom: 'KGM', holder: 'transit:packer' })).toBe(0.75);
  });
});

describe('recall and later transformations', () => {
  it('outputs made from recalled inputs are recalled', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)]));
    h.ok('farm', objectEvent({ epcList: [epc(1)], action: 'OBSERVE', disposition: 'recalled' }));
    h.ok('farm', transformationEvent({ inputEPCList: [epc(1)], outputEPCList: [epc(2)] }));
    expect(h.state.getObject(key(epc(2)))?.flags).toEqual(['recalled']);
  });
});

describe('CBV values in URI form', () => {
  it('matches bizStep and disposition written as CBV web URIs or URNs', () => {
    const h = harness();
    h.ok('farm', commission([epc(1)], { bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning' }));
    expect(h.code('farm', commission([epc(1)], { bizStep: 'urn:epcglobal:cbv:bizstep:commissioning' }))).toBe(
      'ALREADY_EXISTS',
    );
    const shipUri = ship([epc(1)], PARTY.packer, {
      bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping',
      destinationList: [{ type: 'https://ref.gs1.org/cbv/SDT-possessing_party', destination: PARTY.packer }],
    });
    h.ok('farm', shipUri);
    expect(h.state.getObject(key(epc(1)))?.consignee).toBe('packer');
  });
});
