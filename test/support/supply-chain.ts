/**
 * A small produce supply chain as valid EPCIS 2.0 events, for query and trace tests: a lot is
 * harvested and cooled at a farm, transformed into cases and a new lot at a packer, packed on a
 * pallet, shipped and received. Identifiers switch between EPC URNs and GS1 Digital Link URIs on
 * purpose: the index must treat both forms of one object as one.
 */

export const FARM = 'urn:epc:id:sgln:0614141.00001.0';
export const FARM_DL = 'https://id.gs1.org/414/0614141000012';
export const PACKER = 'urn:epc:id:sgln:0614141.00002.0';
export const RETAILER = 'urn:epc:id:sgln:0614141.00003.0';

export const LOT1 = 'urn:epc:class:lgtin:0614141.107346.LOT1';
export const LOT1_DL = 'https://id.gs1.org/01/10614141073464/10/LOT1';
export const LOT2 = 'urn:epc:class:lgtin:0614141.207346.LOT2';
export const LOT2_DL = 'https://id.gs1.org/01/20614141073461/10/LOT2';
export const CASE1 = 'urn:epc:id:sgtin:0614141.107346.2017';
export const CASE1_DL = 'https://id.gs1.org/01/10614141073464/21/2017';
export const CASE2 = 'urn:epc:id:sgtin:0614141.107346.2018';
export const PALLET = 'urn:epc:id:sscc:0614141.1234567890';
export const PALLET_DL = 'https://id.gs1.org/00/106141412345678908';
export const OTHER = 'urn:epc:id:sgtin:0614141.107346.9999';

/** A reference number with a comma, so CSV quoting is exercised. */
export const PROD_ORDER = 'urn:epcglobal:cbv:bt:0614141000029:PO-1,2';

const base = (eventID: string, hour: string) => ({
  eventID,
  eventTime: `2026-04-20T${hour}:00:00.000Z`,
  eventTimeZoneOffset: '+00:00',
});

export function supplyChain(tag: string) {
  const id = (n: string) => `urn:uuid:00000000-0000-4000-8000-${tag.padStart(6, '0')}${n.padStart(6, '0')}`;
  const harvest = {
    type: 'ObjectEvent',
    ...base(id('1'), '06'),
    action: 'ADD',
    bizStep: 'creating_class_instance',
    disposition: 'active',
    epcList: [],
    quantityList: [{ epcClass: LOT1, quantity: 1000, uom: 'KGM' }],
    readPoint: { id: FARM },
    bizLocation: { id: FARM },
  };
  const cooling = {
    type: 'ObjectEvent',
    ...base(id('2'), '07'),
    action: 'OBSERVE',
    bizStep: 'storing',
    disposition: 'active',
    epcList: [],
    quantityList: [{ epcClass: LOT1_DL, quantity: 1000, uom: 'KGM' }],
    bizLocation: { id: FARM_DL },
  };
  const unrelated = {
    type: 'ObjectEvent',
    ...base(id('7'), '08'),
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    epcList: [OTHER],
    readPoint: { id: FARM },
  };
  const transformation = {
    type: 'TransformationEvent',
    ...base(id('3'), '09'),
    bizStep: 'https://ref.gs1.org/cbv/BizStep-creating_class_instance',
    disposition: 'active',
    inputQuantityList: [{ epcClass: LOT1_DL, quantity: 1000, uom: 'KGM' }],
    outputEPCList: [CASE1, CASE2],
    outputQuantityList: [{ epcClass: LOT2, quantity: 40, uom: 'CS' }],
    bizLocation: { id: PACKER },
    bizTransactionList: [{ type: 'prodorder', bizTransaction: PROD_ORDER }],
  };
  const packing = {
    type: 'AggregationEvent',
    ...base(id('4'), '10'),
    action: 'ADD',
    bizStep: 'packing',
    disposition: 'in_progress',
    parentID: PALLET,
    childEPCs: [CASE1_DL, CASE2],
    childQuantityList: [{ epcClass: LOT2_DL, quantity: 40, uom: 'CS' }],
    bizLocation: { id: PACKER },
  };
  const shipping = {
    type: 'ObjectEvent',
    ...base(id('5'), '11'),
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    epcList: [PALLET_DL],
    readPoint: { id: PACKER },
    bizTransactionList: [
      { type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000029:856-1' },
      { type: 'bol', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000029:211-1' },
    ],
    sourceList: [{ type: 'location', source: PACKER }],
    destinationList: [{ type: 'location', destination: RETAILER }],
  };
  const declared = {
    type: 'ObjectEvent',
    ...base(id('8'), '12'),
    action: 'OBSERVE',
    bizStep: 'inspecting',
    disposition: 'active',
    epcList: [OTHER],
    readPoint: { id: FARM },
  };
  const receiving = {
    type: 'ObjectEvent',
    ...base(id('6'), '15'),
    action: 'OBSERVE',
    bizStep: 'receiving',
    disposition: 'in_progress',
    epcList: [PALLET],
    bizLocation: { id: RETAILER },
    readPoint: { id: RETAILER },
  };
  return { harvest, cooling, unrelated, transformation, packing, shipping, declared, receiving };
}

export type SupplyChain = ReturnType<typeof supplyChain>;

/**
 * The farm declares its `declared` event erroneous (EPCIS 2.0 error declaration): a copy of the
 * event, same eventID, with errorDeclaration. The ledger marks the event; it adds no event.
 */
export function declarationOf(chain: SupplyChain) {
  return {
    ...chain.declared,
    errorDeclaration: { declarationTime: '2026-04-20T13:00:00.000Z', reason: 'incorrect_data' },
  };
}

/** Who captures what, in commit order (one block per step in unit tests). */
export function captures(chain: SupplyChain) {
  return [
    { org: 'greenfield-farms', events: [chain.harvest, chain.cooling, chain.unrelated] },
    { org: 'valley-packers', events: [chain.transformation, chain.packing] },
    { org: 'valley-packers', events: [chain.shipping] },
    { org: 'greenfield-farms', events: [chain.declared] },
    { org: 'freshmart', events: [chain.receiving] },
    { org: 'greenfield-farms', events: [declarationOf(chain)] },
  ];
}

export function epcisDocument(events: unknown[]) {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-04-20T16:00:00.000Z',
    epcisBody: { eventList: events },
  };
}
