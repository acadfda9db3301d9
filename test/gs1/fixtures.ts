// Events the GS1 client captures: every field a GS1 query parameter filters on occurs in one of
// them, with values the checks then ask for. Locations form a hierarchy through master data in
// the first document's epcisHeader (warehouse > dock door).

export const CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
export const WAREHOUSE = 'urn:epc:id:sgln:0614141.00777.0';
export const DOCK = 'urn:epc:id:sgln:0614141.00777.1';
export const PALLET_URN = 'urn:epc:id:sscc:0614141.1234567890';
export const PALLET_DL = 'https://id.gs1.org/00/106141412345678908';
export const CASE_URN = 'urn:epc:id:sgtin:0614141.107346.2017';
export const CASE_DL = 'https://id.gs1.org/01/10614141073464/21/2017';
export const CLASS_IN = 'urn:epc:class:lgtin:0614141.107346.LOT1';
export const CLASS_OUT = 'urn:epc:class:lgtin:0614141.107347.LOT2';
export const TRANSFORMATION_ID = 'urn:uuid:7a2b3c4d-0000-4000-8000-000000000042';
export const DEVICE = 'urn:epc:id:giai:0614141.T1000';
export const ID = {
  commissioning: 'urn:uuid:6f1d0000-0000-4000-8000-000000000001',
  shipping: 'urn:uuid:6f1d0000-0000-4000-8000-000000000002',
  transformation: 'urn:uuid:6f1d0000-0000-4000-8000-000000000003',
  aggregation: 'urn:uuid:6f1d0000-0000-4000-8000-000000000004',
  corrective: 'urn:uuid:6f1d0000-0000-4000-8000-000000000005',
  single: 'urn:uuid:6f1d0000-0000-4000-8000-000000000006',
};

export const MASTER_DATA = {
  epcisMasterData: {
    vocabularyList: [
      {
        type: 'urn:epcglobal:epcis:vtype:BusinessLocation',
        vocabularyElementList: [
          {
            id: WAREHOUSE,
            attributes: [{ id: 'urn:epcglobal:cbv:mda#name', attribute: 'Warehouse 7' }],
            children: [DOCK],
          },
        ],
      },
    ],
  },
};

export const commissioning = {
  type: 'ObjectEvent',
  eventID: ID.commissioning,
  eventTime: '2026-04-20T08:00:00.000Z',
  eventTimeZoneOffset: '+00:00',
  epcList: [CASE_URN],
  action: 'ADD',
  bizStep: 'commissioning',
  disposition: 'active',
  readPoint: { id: DOCK },
  bizLocation: { id: DOCK },
  quantityList: [{ epcClass: CLASS_IN, quantity: 10, uom: 'KGM' }],
  persistentDisposition: { set: ['completeness_verified'] },
  sensorElementList: [
    {
      sensorMetadata: {
        time: '2026-04-20T07:59:00.000Z',
        startTime: '2026-04-20T07:00:00.000Z',
        endTime: '2026-04-20T07:59:00.000Z',
        deviceID: DEVICE,
        dataProcessingMethod: 'https://example.org/dpm/average',
        bizRules: 'https://example.org/rules/cold-chain',
      },
      sensorReport: [
        { type: 'Temperature', value: 4.5, uom: 'CEL', stringValue: 'ok', booleanValue: true },
        { type: 'RelativeHumidity', value: 60, uom: 'P1', uriValue: 'https://example.org/humidity' },
        {
          type: 'Temperature',
          chemicalSubstance: 'https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N',
          value: 1,
          uom: 'CEL',
          hexBinaryValue: 'ABCD',
        },
        {
          type: 'Temperature',
          microorganism: 'https://www.ncbi.nlm.nih.gov/taxonomy/1496',
          value: 2,
          uom: 'CEL',
        },
      ],
    },
  ],
  ilmd: { 'example:lot': 'LOT1' },
  'example:note': 'pallet 42',
  'example:box': { 'example:size': 'L' },
};

export const shipping = {
  type: 'ObjectEvent',
  eventID: ID.shipping,
  eventTime: '2026-04-20T09:00:00.000Z',
  eventTimeZoneOffset: '+00:00',
  epcList: [CASE_DL],
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  readPoint: { id: WAREHOUSE },
  bizLocation: { id: WAREHOUSE },
  persistentDisposition: { unset: ['completeness_verified'] },
};

export const transformation = {
  type: 'TransformationEvent',
  eventID: ID.transformation,
  eventTime: '2026-04-20T10:00:00.000Z',
  eventTimeZoneOffset: '+00:00',
  inputQuantityList: [{ epcClass: CLASS_IN, quantity: 10, uom: 'KGM' }],
  outputQuantityList: [{ epcClass: CLASS_OUT, quantity: 8, uom: 'KGM' }],
  transformationID: TRANSFORMATION_ID,
  bizStep: 'commissioning',
  readPoint: { id: DOCK },
};

export const aggregation = {
  type: 'AggregationEvent',
  eventID: ID.aggregation,
  eventTime: '2026-04-20T11:00:00.000Z',
  eventTimeZoneOffset: '+00:00',
  parentID: PALLET_DL,
  childEPCs: [CASE_URN],
  action: 'ADD',
  bizStep: 'packing',
  readPoint: { id: DOCK },
};

/** The shipping event declared erroneous, the commissioning event named as its correction. */
export const declaration = {
  ...shipping,
  errorDeclaration: {
    declarationTime: '2026-04-21T08:00:00.000Z',
    reason: 'incorrect_data',
    correctiveEventIDs: [ID.corrective],
    'example:by': 'qa',
  },
};

export const corrective = {
  ...shipping,
  eventID: ID.corrective,
  eventTime: '2026-04-20T09:30:00.000Z',
};

export function document(events: unknown[], header?: unknown) {
  return {
    '@context': [CONTEXT, { example: 'https://example.org/epcis/' }],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-04-21T09:00:00.000Z',
    ...(header ? { epcisHeader: header } : {}),
    epcisBody: { eventList: events },
  };
}
