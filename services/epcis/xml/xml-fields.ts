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
} from '../cbv-vocabulary.js';

// The EPCIS XML binding (EPCIS 2.0 section 10, its XSD) and the JSON-LD binding name the same
// fields; these tables say where they differ: list items, attributes, vocabularies, field order.

export const EPCIS_NS = {
  v2: 'urn:epcglobal:epcis:xsd:2',
  v1: 'urn:epcglobal:epcis:xsd:1',
  query2: 'urn:epcglobal:epcis-query:xsd:2',
  query1: 'urn:epcglobal:epcis-query:xsd:1',
  sbdh: 'http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader',
} as const;

/**
 * Prefixes GS1's EPCIS 2.0 JSON-LD context defines itself: a document uses them without declaring
 * them, so the XML binding knows their namespaces without the capture's @context.
 */
export const CONTEXT_PREFIXES: Readonly<Record<string, string>> = {
  epcis: 'https://ref.gs1.org/epcis/',
  cbv: 'https://ref.gs1.org/cbv/',
  cbvmda: 'urn:epcglobal:cbv:mda:',
  gs1: 'https://gs1.org/voc/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcterms: 'http://purl.org/dc/terms/',
};

/** Namespaces whose elements are EPCIS's own, not user extensions. */
export const STANDARD_NAMESPACES: ReadonlySet<string> = new Set(Object.values(EPCIS_NS));

/** List fields whose XML items are elements of this name holding an identifier. */
export const ID_LISTS: Readonly<Record<string, string>> = {
  epcList: 'epc',
  childEPCs: 'epc',
  inputEPCList: 'epc',
  outputEPCList: 'epc',
  correctiveEventIDs: 'correctiveEventID',
};

export const QUANTITY_LISTS: readonly string[] = [
  'quantityList',
  'childQuantityList',
  'inputQuantityList',
  'outputQuantityList',
];

/** sourceList / destinationList: items carry a `type` attribute and the identifier as text. */
export const TYPED_LISTS: Readonly<Record<string, string>> = {
  bizTransactionList: 'bizTransaction',
  sourceList: 'source',
  destinationList: 'destination',
};

/** Vocabulary of each value-bearing field: the XML binding writes CBV URNs, JSON-LD bare words. */
export const FIELD_VOCABULARY: Readonly<Record<string, Vocabulary>> = {
  bizStep: BIZ_STEP,
  disposition: DISPOSITION,
  set: DISPOSITION,
  unset: DISPOSITION,
  reason: ERROR_REASON,
  bizTransaction: BIZ_TRANSACTION_TYPE,
  source: SOURCE_DESTINATION_TYPE,
  destination: SOURCE_DESTINATION_TYPE,
  component: SENSOR_COMPONENT,
  type: MEASUREMENT_TYPE,
  exception: SENSOR_ALERT_TYPE,
};

/** sensorReport and sensorMetadata attributes that JSON carries as numbers or booleans. */
export const NUMERIC_ATTRIBUTES: ReadonlySet<string> = new Set([
  'value',
  'minValue',
  'maxValue',
  'meanValue',
  'sDev',
  'percRank',
  'percValue',
]);
export const BOOLEAN_ATTRIBUTES: ReadonlySet<string> = new Set(['booleanValue']);

/** GS1 Web Vocabulary prefix the XML binding writes measurement types with (`gs1:Temperature`). */
export const GS1_VOC_PREFIX = 'gs1:';

/**
 * A standard value the XML binding writes in its own form (a CBV URN, `gs1:` for GS1 Web
 * Vocabulary terms) as JSON-LD writes it (bare word); anything else (a web URI too) as it came.
 */
export function bareWord(vocabulary: Vocabulary, value: string): string {
  const candidates = [vocabulary.urnPrefix, vocabulary.urnPrefix ? undefined : GS1_VOC_PREFIX];
  for (const prefix of candidates) {
    if (prefix && value.startsWith(prefix)) {
      const word = value.slice(prefix.length);
      if (vocabulary.words.includes(word)) return word;
    }
  }
  return value;
}

/** How the XML binding writes a bare standard word (GS1-CBV-XML-Format). */
export type CbvXmlFormat = 'urn' | 'web';

export function xmlWord(vocabulary: Vocabulary, value: string, format: CbvXmlFormat): string {
  if (!vocabulary.words.includes(value)) return value;
  if (vocabulary === MEASUREMENT_TYPE || vocabulary === SENSOR_ALERT_TYPE)
    return format === 'web' ? vocabulary.webPrefix + value : GS1_VOC_PREFIX + value;
  if (format === 'urn' && vocabulary.urnPrefix) return vocabulary.urnPrefix + value;
  return vocabulary.webPrefix + value;
}

/** Field order of each event type in the EPCIS 2.0 XSD (after the common fields). */
const COMMON_HEAD = [
  'eventTime',
  'recordTime',
  'eventTimeZoneOffset',
  'certificationInfo',
  'eventID',
  'errorDeclaration',
];
const WHERE_WHY = [
  'action',
  'bizStep',
  'disposition',
  'persistentDisposition',
  'readPoint',
  'bizLocation',
  'bizTransactionList',
  'sourceList',
  'destinationList',
  'sensorElementList',
];
export const FIELD_ORDER: Readonly<Record<string, readonly string[]>> = {
  ObjectEvent: [...COMMON_HEAD, 'epcList', 'quantityList', ...WHERE_WHY, 'ilmd'],
  AggregationEvent: [...COMMON_HEAD, 'parentID', 'childEPCs', 'childQuantityList', ...WHERE_WHY],
  TransactionEvent: [
    ...COMMON_HEAD,
    'bizTransactionList',
    'parentID',
    'epcList',
    'quantityList',
    ...WHERE_WHY.filter((f) => f !== 'bizTransactionList'),
  ],
  TransformationEvent: [
    ...COMMON_HEAD,
    'inputEPCList',
    'inputQuantityList',
    'outputEPCList',
    'outputQuantityList',
    'transformationID',
    ...WHERE_WHY.filter((f) => f !== 'action'),
    'ilmd',
  ],
  AssociationEvent: [...COMMON_HEAD, 'parentID', 'childEPCs', 'childQuantityList', ...WHERE_WHY],
};

/** The string-valued terms of a JSON-LD context (a URL, an object, or a list of both): prefix -> URI. */
export function namespacesIn(context: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of Array.isArray(context) ? context : [context]) {
    if (typeof part !== 'object' || part === null) continue;
    for (const [k, v] of Object.entries(part as Record<string, unknown>))
      if (typeof v === 'string' && !k.startsWith('@')) out[k] = v;
  }
  return out;
}
