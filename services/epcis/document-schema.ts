/**
 * Waybill's JSON Schema (draft 2020-12) for an EPCIS 2.0 capture document (EPCISDocument in
 * JSON-LD), written from the EPCIS 2.0 and CBV 2.0 standards.
 *
 * Conventions that make refusals useful to clients:
 * - Objects list their fields and set `additionalProperties: false`, allowing only namespaced
 *   extension keys (`prefix:name` or an absolute IRI) beside them, so a typo is an error that
 *   names the field instead of a silently ignored key.
 * - A `description` on a schema is the message a client gets when that schema (or one of its
 *   `anyOf` branches) fails; see schema-errors.ts.
 * - Cross-field rules sit in each event's `allOf`, each one a small `anyOf` or `if`/`then`.
 */
import {
  BIZ_STEP,
  BIZ_TRANSACTION_TYPE,
  DISPOSITION,
  ERROR_REASON,
  MEASUREMENT_TYPE,
  SENSOR_ALERT_TYPE,
  SENSOR_COMPONENT,
  SOURCE_DESTINATION_TYPE,
  type Vocabulary,
} from './cbv-vocabulary.js';

export const EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
] as const;

// xsd:dateTime as EPCIS uses it: 'T' separator and a mandatory offset ('Z' or ±hh:mm). The
// `date-time` format (ajv-formats) checks the calendar; this pins the lexical form, which the
// format alone leaves loose (it also takes lower-case 't'/'z' and '+0200').
const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
// EPCIS eventTimeZoneOffset: -14:00 … +14:00.
const TIME_ZONE_OFFSET = '^[+-]((0\\d|1[0-3]):[0-5]\\d|14:00)$';
// UN/CEFACT Recommendation 20 unit codes, as CBV prescribes for quantity uom.
const UOM = '^[A-Z0-9]{2,3}$';
// xsd:hexBinary: whole octets.
const HEX_BINARY = '^([0-9A-Fa-f]{2})+$';
// Any EPCIS 2.x document; 1.x documents are XML.
const SCHEMA_VERSION = '^2\\.\\d+(\\.\\d+)?$';
// An extension field name: a JSON-LD compact IRI (`example:myField`) or an absolute IRI.
export const EXTENSION_KEY = '^[A-Za-z][A-Za-z0-9._+-]*:[^\\s]+$';
// The GS1 EPCIS 2.0 JSON-LD context, versioned or not; every capture document must use it.
const EPCIS_CONTEXT =
  '^https://ref\\.gs1\\.org/standards/epcis/(\\d+\\.\\d+\\.\\d+/)?epcis-context\\.jsonld$';
// Namespaces owned by GS1: a URI there must name a standard value, never a user-defined one.
const CBV_NAMESPACE = '^(urn:epcglobal:cbv:|https?://(ns|ref)\\.gs1\\.org/cbv/)';
const GS1_VOC_NAMESPACE = '^https?://((www|ref)\\.)?gs1\\.org/voc/';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A field that takes a standard vocabulary value: the bare word (`shipping`), the same word as a
 * full standard URI, or a URI of the user's own vocabulary outside GS1's namespaces.
 */
function vocabularyValue(vocabulary: Vocabulary, what: string, gs1Namespace: string, uriForms: string[]) {
  const prefixes = uriForms.map(escapeRegExp).join('|');
  return {
    description: `must be a standard ${what} (bare word, e.g. "${vocabulary.words[0]}") or a URI of your own vocabulary`,
    anyOf: [
      { enum: vocabulary.words },
      { type: 'string', pattern: `^(${prefixes})(${vocabulary.words.join('|')})$` },
      { type: 'string', format: 'uri', not: { pattern: gs1Namespace } },
    ],
  };
}

function cbvValue(vocabulary: Vocabulary, what: string) {
  const forms = [vocabulary.webPrefix, vocabulary.webPrefix.replace('https://ref.', 'https://ns.')];
  if (vocabulary.urnPrefix) forms.push(vocabulary.urnPrefix);
  return vocabularyValue(vocabulary, what, CBV_NAMESPACE, forms);
}

function gs1VocValue(vocabulary: Vocabulary, what: string) {
  return vocabularyValue(vocabulary, what, GS1_VOC_NAMESPACE, [vocabulary.webPrefix, 'https://gs1.org/voc/']);
}

const ref = (name: string) => ({ $ref: `#/$defs/${name}` });

/** JSON Schema `if`/`then`, the one place `then` is spelt (lint takes it for a thenable). */
function ifThen(condition: object, consequence: object) {
  // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, never awaited
  return { if: condition, then: consequence };
}
const extensions = { patternProperties: { [EXTENSION_KEY]: true }, additionalProperties: false };
const arrayOf = (items: object, extra: object = {}) => ({ type: 'array', items, ...extra });

/** Fields every event type may carry (EPCIS 2.0 section 7.4.1 and the "what/where/why" dimensions). */
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

/** ILMD describes objects coming into being, so only an ADD event may carry it (EPCIS 2.0 7.3.6). */
const ilmdOnlyOnAdd = ifThen(
  { required: ['action'], properties: { action: { not: { const: 'ADD' } } } },
  { properties: { ilmd: { description: 'ilmd is only allowed when action is ADD', not: {} } } },
);

const objectEvent = eventSchema(
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

const aggregationEvent = eventSchema(
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

const transactionEvent = eventSchema(
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
const transformationEvent = eventSchema(
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

const associationEvent = eventSchema(
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
const eventListItem = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { description: `must be one of ${EVENT_TYPES.join(', ')}`, enum: EVENT_TYPES },
  },
  allOf: EVENT_TYPES.map((name) =>
    ifThen({ required: ['type'], properties: { type: { const: name } } }, ref(name)),
  ),
};

function sourceOrDestination(name: 'source' | 'destination') {
  return {
    type: 'object',
    required: ['type', name],
    properties: { type: cbvValue(SOURCE_DESTINATION_TYPE, `CBV ${name} type`), [name]: ref('uri') },
    additionalProperties: false,
  };
}

const definitions = {
  uri: { type: 'string', format: 'uri' },
  uriList: arrayOf(ref('uri'), { uniqueItems: true }),
  dateTime: {
    type: 'string',
    format: 'date-time',
    pattern: DATE_TIME,
    description: 'must be a date-time with a time zone offset, e.g. "2026-07-22T06:45:00.000+02:00"',
  },
  documentContext: {
    description: 'must be the GS1 EPCIS 2.0 JSON-LD context, or a list that includes it',
    anyOf: [
      { type: 'string', pattern: EPCIS_CONTEXT },
      {
        type: 'array',
        items: { anyOf: [ref('uri'), { type: 'object' }] },
        contains: { type: 'string', pattern: EPCIS_CONTEXT },
      },
    ],
  },
  eventContext: {
    anyOf: [ref('uri'), { type: 'object' }, arrayOf({ anyOf: [ref('uri'), { type: 'object' }] })],
  },
  action: { description: 'must be ADD, OBSERVE or DELETE', enum: ['ADD', 'OBSERVE', 'DELETE'] },
  bizStep: cbvValue(BIZ_STEP, 'CBV bizStep'),
  disposition: cbvValue(DISPOSITION, 'CBV disposition'),
  persistentDisposition: {
    type: 'object',
    minProperties: 1,
    properties: {
      set: arrayOf(ref('disposition'), { minItems: 1, uniqueItems: true }),
      unset: arrayOf(ref('disposition'), { minItems: 1, uniqueItems: true }),
    },
    additionalProperties: false,
  },
  quantityElement: {
    type: 'object',
    required: ['epcClass'],
    properties: {
      epcClass: ref('uri'),
      // The standard bounds neither sign nor scale (xsd:decimal), so neither do we.
      quantity: { type: 'number' },
      uom: { type: 'string', pattern: UOM, description: 'must be a UN/CEFACT Rec. 20 unit code, e.g. "KGM"' },
    },
    // A unit without a quantity means nothing.
    dependentRequired: { uom: ['quantity'] },
    additionalProperties: false,
  },
  quantityList: arrayOf(ref('quantityElement')),
  location: { type: 'object', required: ['id'], properties: { id: ref('uri') }, ...extensions },
  bizTransaction: {
    type: 'object',
    required: ['bizTransaction'],
    properties: {
      type: cbvValue(BIZ_TRANSACTION_TYPE, 'CBV business transaction type'),
      bizTransaction: ref('uri'),
    },
    additionalProperties: false,
  },
  source: sourceOrDestination('source'),
  destination: sourceOrDestination('destination'),
  errorDeclaration: {
    type: 'object',
    required: ['declarationTime'],
    properties: {
      declarationTime: ref('dateTime'),
      reason: cbvValue(ERROR_REASON, 'CBV error reason'),
      correctiveEventIDs: arrayOf(ref('uri')),
    },
    ...extensions,
  },
  ilmd: { type: 'object', ...extensions },
  sensorElement: {
    type: 'object',
    required: ['sensorReport'],
    properties: {
      sensorMetadata: ref('sensorMetadata'),
      sensorReport: arrayOf(ref('sensorReport'), { minItems: 1 }),
    },
    ...extensions,
  },
  sensorMetadata: {
    type: 'object',
    properties: {
      time: ref('dateTime'),
      startTime: ref('dateTime'),
      endTime: ref('dateTime'),
      deviceID: ref('uri'),
      deviceMetadata: ref('uri'),
      rawData: ref('uri'),
      dataProcessingMethod: ref('uri'),
      bizRules: ref('uri'),
    },
    ...extensions,
  },
  sensorReport: {
    type: 'object',
    required: ['type'],
    properties: {
      type: gs1VocValue(MEASUREMENT_TYPE, 'measurement type'),
      exception: gs1VocValue(SENSOR_ALERT_TYPE, 'sensor alert type'),
      deviceID: ref('uri'),
      deviceMetadata: ref('uri'),
      rawData: ref('uri'),
      dataProcessingMethod: ref('uri'),
      bizRules: ref('uri'),
      time: ref('dateTime'),
      microorganism: ref('uri'),
      chemicalSubstance: ref('uri'),
      coordinateReferenceSystem: ref('uri'),
      value: { type: 'number' },
      component: cbvValue(SENSOR_COMPONENT, 'CBV sensor component'),
      stringValue: { type: 'string' },
      booleanValue: { type: 'boolean' },
      hexBinaryValue: { type: 'string', pattern: HEX_BINARY, description: 'must be hexadecimal octets' },
      uriValue: ref('uri'),
      minValue: { type: 'number' },
      maxValue: { type: 'number' },
      meanValue: { type: 'number' },
      sDev: { type: 'number' },
      percRank: { type: 'number' },
      percValue: { type: 'number' },
      uom: { type: 'string' },
    },
    ...extensions,
  },
  ObjectEvent: objectEvent,
  AggregationEvent: aggregationEvent,
  TransactionEvent: transactionEvent,
  TransformationEvent: transformationEvent,
  AssociationEvent: associationEvent,
};

/** The capture document: EPCIS 2.0 section 9 (JSON/JSON-LD binding), EPCISDocument. */
export const captureDocumentSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['@context', 'type', 'schemaVersion', 'creationDate', 'epcisBody'],
  properties: {
    '@context': ref('documentContext'),
    type: { const: 'EPCISDocument' },
    id: ref('uri'),
    schemaVersion: {
      type: 'string',
      pattern: SCHEMA_VERSION,
      description: 'must be an EPCIS 2.x version, e.g. "2.0"',
    },
    creationDate: ref('dateTime'),
    instanceIdentifier: { type: 'string' },
    sender: { type: 'string' },
    receiver: { type: 'string' },
    epcisHeader: { type: 'object' },
    epcisBody: {
      type: 'object',
      required: ['eventList'],
      properties: { eventList: arrayOf(eventListItem, { minItems: 1 }) },
      ...extensions,
    },
  },
  ...extensions,
  $defs: definitions,
} as const;
