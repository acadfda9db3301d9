import { EPCIS_CONTEXT_URL } from '../epcis/index.js';

/**
 * The demo's EPCIS 2.0 events: a fresh-produce chain from a grower's harvest lots to a retailer's
 * cases. Identifiers carry a run tag, so the demo can run again on the same network.
 */
export type Ev = Record<string, unknown>;

export const CONTEXT = [EPCIS_CONTEXT_URL, { waybill: 'https://waybill.dev/voc/' }];

export interface Party {
  /** PGLN URN of the org (genesis `parties[0]`). */
  party: string;
  /** SGLN URN of its site (genesis `locations[0]`). */
  site: string;
}

/** The demo's objects: two harvest lots, four cases made from them, two pallets. */
export function identifiers(run: string) {
  const numeric = String(Number.parseInt(run, 36) % 1_000_000_000).padStart(9, '0');
  return {
    lots: ['A', 'B'].map((l) => `urn:epc:id:sgtin:0614141.107346.LOT${run}${l}`),
    /** A lot the grower keeps to itself (the privacy scenes). */
    privateLot: `urn:epc:id:sgtin:0614141.107346.LOT${run}C`,
    cases: [1, 2, 3, 4].map((n) => `urn:epc:id:sgtin:0614142.207346.C${run}${n}`),
    pallets: [1, 2].map((n) => `urn:epc:id:sscc:0614142.${n}${numeric}`),
  };
}

let clock = Date.parse('2026-06-01T06:00:00.000Z');
function base(type: string, fields: Ev): Ev {
  clock += 15 * 60_000;
  return { type, eventTime: new Date(clock).toISOString(), eventTimeZoneOffset: '+00:00', ...fields };
}

const at = (p: Party) => ({ readPoint: { id: p.site }, bizLocation: { id: p.site } });
const dest = (to: Party, owner?: Party) => [
  { type: 'possessing_party', destination: to.party },
  ...(owner ? [{ type: 'owning_party', destination: owner.party }] : []),
];
const src = (from: Party) => [{ type: 'possessing_party', source: from.party }];
const bol = (n: string) => [{ type: 'bol', bizTransaction: `urn:epcglobal:cbv:bt:0614142000005:BOL-${n}` }];

/** Initial packing of harvest lots at the field: each lot commissioned with its lot number. */
export const commissionLots = (grower: Party, lots: string[]) =>
  lots.map((lot, i) =>
    base('ObjectEvent', {
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      epcList: [lot],
      ...at(grower),
      ilmd: {
        'cbvmda:lotNumber': `LOT-${String.fromCharCode(65 + i)}`,
        'cbvmda:harvestStartDate': '2026-06-01',
      },
    }),
  );

export const ship = (from: Party, to: Party, epcs: string[], ref: string, owner?: Party) =>
  base('ObjectEvent', {
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    epcList: epcs,
    ...at(from),
    sourceList: src(from),
    destinationList: dest(to, owner),
    bizTransactionList: bol(ref),
  });

export const receive = (by: Party, epcs: string[], ref: string, owner?: Party) =>
  base('ObjectEvent', {
    action: 'OBSERVE',
    bizStep: 'receiving',
    disposition: 'in_progress',
    epcList: epcs,
    ...at(by),
    destinationList: dest(by, owner),
    bizTransactionList: bol(ref),
  });

/** Cases packed from one lot, each declaring the cold chain range it must stay in. */
export const transform = (packer: Party, lot: string, cases: string[]) =>
  base('TransformationEvent', {
    disposition: 'active',
    inputEPCList: [lot],
    outputEPCList: cases,
    ...at(packer),
    ilmd: { 'waybill:minTemperature': 0, 'waybill:maxTemperature': 5 },
  });

export const pack = (packer: Party, pallet: string, cases: string[]) =>
  base('AggregationEvent', {
    action: 'ADD',
    bizStep: 'packing',
    disposition: 'in_progress',
    parentID: pallet,
    childEPCs: cases,
    ...at(packer),
  });

export const temperature = (carrier: Party, pallet: string, celsius: number) =>
  base('ObjectEvent', {
    action: 'OBSERVE',
    bizStep: 'sensor_reporting',
    epcList: [pallet],
    ...at(carrier),
    sensorElementList: [{ sensorReport: [{ type: 'gs1:Temperature', value: celsius, uom: 'CEL' }] }],
  });

export const recall = (grower: Party, lot: string) =>
  base('ObjectEvent', {
    action: 'OBSERVE',
    bizStep: 'holding',
    disposition: 'recalled',
    epcList: [lot],
    ...at(grower),
  });

export function documentOf(events: Ev[]): Ev {
  return {
    '@context': CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date(clock).toISOString(),
    epcisBody: { eventList: events },
  };
}
