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
 * - Cross-field rules sit in each event's `allOf` (event-schemas.ts).
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
} from './cbv-vocabulary.js';
import {
  aggregationEvent,
  associationEvent,
  eventListItem,
  objectEvent,
  transactionEvent,
  transformationEvent,
} from './event-schemas.js';
import { arrayOf, cbvValue, extensions, gs1VocValue, ref } from './schema-helpers.js';

// xsd:dateTime as EPCIS uses it: 'T' separator and a mandatory offset ('Z' or ±hh:mm). The
// `date-time` format (ajv-formats) checks the calendar; this pins the lexical form, which the
// format alone leaves loose (it also takes lower-case 't'/'z', '+0200' and offsets beyond ±14:00,
// which no time zone has: xsd:dateTime bounds them there).
const DATE_TIME =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]((0\\d|1[0-3]):[0-5]\\d|14:00))$';
// UN/CEFACT Recommendation 20 unit codes, as CBV prescribes for quantity uom.
const UOM = '^[A-Z0-9]{2,3}$';
// xsd:hexBinary: whole octets.
const HEX_BINARY = '^([0-9A-Fa-f]{2})+$';
// Any EPCIS 2.x document; 1.x documents are XML.
const SCHEMA_VERSION = '^2\\.\\d+(\\.\\d+)?$';
/** The GS1 EPCIS 2.0 JSON-LD context the documents Waybill writes use. */
export const EPCIS_CONTEXT_URL = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
function sourceOrDestination(name: 'source' | 'destination') {
  return {
    type: 'object',
    required: ['type', name],
    properties: { type: cbvValue(SOURCE_DESTINATION_TYPE, `CBV ${name} type`), [name]: ref('uri') },
    additionalProperties: false,
  };
}

/**
 * The longest identifier (EPC, eventID, location, any URI) a document may carry: reads and queries
 * take identifiers up to this length, so a longer one could be stored but never asked for.
 */
export const MAX_URI_LENGTH = 2048;

const definitions = {
  uri: { type: 'string', maxLength: MAX_URI_LENGTH, format: 'uri' },
  // Items typed inline: ajv checks uniqueness of typed scalars in linear time, of $refs in quadratic.
  uriList: arrayOf({ type: 'string', maxLength: MAX_URI_LENGTH, format: 'uri' }, { uniqueItems: true }),
  dateTime: {
    type: 'string',
    format: 'date-time',
    pattern: DATE_TIME,
    description:
      'must be a date-time with a time zone offset from -14:00 to +14:00, e.g. "2026-07-22T06:45:00.000+02:00"',
  },
  // Any @context the EPCIS 2.0 JSON Schema allows (a URI, an object, or a list of them): GS1's
  // versioned or unversioned context, its gs1.github.io URL, the simple context, or a client's own.
  documentContext: {
    description: 'must be a JSON-LD @context: a URI, an object, or a list of them',
    anyOf: [
      ref('uri'),
      { type: 'object' },
      { type: 'array', uniqueItems: true, items: { anyOf: [ref('uri'), { type: 'object' }] } },
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

/** The capture document: an EPCISDocument of the EPCIS 2.0 JSON/JSON-LD binding. */
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
