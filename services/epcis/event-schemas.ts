/**
 * The five EPCIS 2.0 event types for Waybill's capture schema: each an
 * object schema of its fields, with its cross-field rules in `allOf` (a small `anyOf` or
 * `if`/`then` each), and `eventListItem`, which picks the schema by the event's `type`.
 */
import { arrayOf, extensions, ifThen, ref } from './schema-helpers.js';

export const EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
] as const;

// EPCIS eventTimeZoneOffset: -14:00 … +14:00.
const TIME_ZONE_OFFSET = '^[+-]((0\\d|1[0-3]):[0-5]\\d|14:00)$';

/** Fields every event type may carry (the common fields and the what/where/why dimensions). */
const commonEventFields = {
  '@context': ref('eventContext'),
  type: { type: 'string' },
  eventTime: ref('dateTime'),
  recordTime: ref('dateTime'),
  eventTimeZoneOffset: {
    type: 'string',
    pattern: TIME_ZONE_OFFSET,
    description: 'must be a time zone offset between -14:00 and +14:00, e.g. "+02:00"',
  },
  eventID: ref('uri'),
  certificationInfo: { anyOf: [ref('uri'), arrayOf(ref('uri'))] },
  errorDeclaration: ref('errorDeclaration'),
  bizStep: ref('bizStep'),
  disposition: ref('disposition'),
  readPoint: ref('location'),
  bizLocation: ref('location'),
  bizTransactionList: arrayOf(ref('bizTransaction')),
  sourceList: arrayOf(ref('source')),
  destinationList: arrayOf(ref('destination')),
  sensorElementList: arrayOf(ref('sensorElement')),
};

const BASE_REQUIRED = ['type', 'eventTime', 'eventTimeZoneOffset'];

function eventSchema(fields: object, required: string[], rules: object[]) {
  return {
    type: 'object',
    required: [...BASE_REQUIRED, ...required],
    properties: { ...commonEventFields, ...fields },
    ...extensions,
    allOf: rules,
  };
}

/** `name` is present and, being a list, not empty. */
const nonEmpty = (name: string) => ({
  required: [name],
  properties: { [name]: { type: 'array', minItems: 1 } },
});
const actionIs = (...actions: string[]) => ({
  required: ['action'],
  properties: { action: { enum: actions } },
});

/** Objects named by an event: at least one non-empty list of them, unless the action is DELETE. */
const childrenUnlessDelete = (what: string, lists: string[]) => ({
  description: `${what} must be given in ${lists.join(' or ')} (unless action is DELETE)`,
  anyOf: [...lists.map(nonEmpty), actionIs('DELETE')],
});

/** ILMD describes objects coming into being, so only an ADD event may carry it. */
const ilmdOnlyOnAdd = ifThen(
  { required: ['action'], properties: { action: { not: { const: 'ADD' } } } },
  { properties: { ilmd: { description: 'ilmd is only allowed when action is ADD', not: {} } } },
);

export const objectEvent = eventSchema(
  {
    action: ref('action'),
    epcList: ref('uriList'),
    quantityList: ref('quantityList'),
    persistentDisposition: ref('persistentDisposition'),
    ilmd: ref('ilmd'),
  },
  ['action'],
  [
    {
      description:
        'an ObjectEvent names its objects in epcList or quantityList, or reports sensor data at a readPoint',
      anyOf: [
        nonEmpty('epcList'),
        nonEmpty('quantityList'),
        { ...nonEmpty('sensorElementList'), required: ['sensorElementList', 'readPoint'] },
      ],
    },
    ilmdOnlyOnAdd,
  ],
);

export const aggregationEvent = eventSchema(
  {
    action: ref('action'),
    parentID: ref('uri'),
    childEPCs: ref('uriList'),
    childQuantityList: ref('quantityList'),
  },
  ['action'],
  [
    childrenUnlessDelete('the contained objects', ['childEPCs', 'childQuantityList']),
    // The aggregation being added or removed must be named; an OBSERVE may report children alone.
    ifThen(actionIs('ADD', 'DELETE'), { required: ['parentID'] }),
  ],
);

export const transactionEvent = eventSchema(
  {
    action: ref('action'),
    parentID: ref('uri'),
    epcList: ref('uriList'),
    quantityList: ref('quantityList'),
    bizTransactionList: arrayOf(ref('bizTransaction'), { minItems: 1 }),
  },
  ['action', 'bizTransactionList'],
  [childrenUnlessDelete('the objects of the transaction', ['epcList', 'quantityList'])],
);

const inputs = ['inputEPCList', 'inputQuantityList'];
const outputs = ['outputEPCList', 'outputQuantityList'];
export const transformationEvent = eventSchema(
  {
    inputEPCList: ref('uriList'),
    inputQuantityList: ref('quantityList'),
    outputEPCList: ref('uriList'),
    outputQuantityList: ref('quantityList'),
    transformationID: ref('uri'),
    persistentDisposition: ref('persistentDisposition'),
    ilmd: ref('ilmd'),
  },
  [],
  [
    {
      description:
        'a TransformationEvent needs inputs and outputs, or a transformationID with at least one input or output',
      anyOf: [
        { allOf: [{ anyOf: inputs.map(nonEmpty) }, { anyOf: outputs.map(nonEmpty) }] },
        { required: ['transformationID'], anyOf: [...inputs, ...outputs].map(nonEmpty) },
      ],
    },
  ],
);

export const associationEvent = eventSchema(
  {
    action: ref('action'),
    parentID: ref('uri'),
    childEPCs: ref('uriList'),
    childQuantityList: ref('quantityList'),
  },
  ['action', 'parentID'],
  [childrenUnlessDelete('the associated objects', ['childEPCs', 'childQuantityList'])],
);

/** Picks the event schema by `type`; an unknown type fails on `type` itself. */
export const eventListItem = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { description: `must be one of ${EVENT_TYPES.join(', ')}`, enum: EVENT_TYPES },
  },
  allOf: EVENT_TYPES.map((name) =>
    ifThen({ required: ['type'], properties: { type: { const: name } } }, ref(name)),
  ),
};
