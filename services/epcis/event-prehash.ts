/**
 * The pre-hash string of the CBV 2.0 event hash ID (CBV 2.0, "Event hash ID"): the event's data as
 * `name=value` pieces without separators, standard fields in the canonical property order, lists
 * sorted, then ILMD, then user extensions found inside standard fields (prefixed with the field's
 * name), then the event's own user extensions, each block sorted. eventID, recordTime,
 * errorDeclaration and certificationInfo do not take part: they may change without the event
 * changing. Details the standard leaves open follow the reference implementation
 * RalphTro/epcis-event-hash-generator and its expected pre-hash strings.
 */
import {
  BIZ_STEP,
  BIZ_TRANSACTION_TYPE,
  DISPOSITION,
  MEASUREMENT_TYPE,
  SENSOR_ALERT_TYPE,
  SENSOR_COMPONENT,
  SOURCE_DESTINATION_TYPE,
  type Vocabulary,
  vocabularyUri,
} from './cbv-vocabulary.js';
import { canonicalTimestamp, canonicalValue, compareCodePoints } from './hash-values.js';
import { expandGs1Curie, expandName, type Namespaces, namespacesOf } from './json-ld-names.js';

type Json = Record<string, unknown>;
type Canon = (text: string, namespaces: Namespaces) => string;
/** Renders field `name` of a JSON object as pre-hash text, '' when absent. */
interface Rule {
  name: string;
  render: (container: Json, namespaces: Namespaces) => string;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value == null ? [] : [value]);
const prefixed = (name: string, body: string) => (body === '' ? '' : name + body);
const renderAll = (rules: readonly Rule[], container: Json, namespaces: Namespaces) =>
  rules.map((rule) => rule.render(container, namespaces)).join('');

const sorted = (parts: string[]) => parts.sort(compareCodePoints).join('');

/** The text of a JSON scalar (trimmed, as the reference reads it); objects and null have none. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Plain literals (strings, numbers, codes): canonical value only. */
const literal: Canon = (text) => canonicalValue(text);
const asTime: Canon = (text) => canonicalTimestamp(text) ?? text;
/** IRIs: a compact IRI in a GS1 vocabulary namespace is expanded first ("cbv:Comp-x"). */
const iri: Canon = (text, namespaces) => canonicalValue(expandGs1Curie(text, namespaces));
const asVocabulary =
  (vocabulary: Vocabulary): Canon =>
  (text, namespaces) =>
    vocabularyUri(vocabulary, text) ?? iri(text, namespaces);

/** `name=value`, once per value when the field holds a list; sorted. */
function value(name: string, canon: Canon = iri): Rule {
  const render = (container: Json, namespaces: Namespaces) =>
    sorted(
      asArray(container[name]).flatMap((item) => {
        const text = scalarText(item);
        return text ? [`${name}=${canon(text, namespaces)}`] : [];
      }),
    );
  return { name, render };
}
const literals = (...fieldNames: string[]) => fieldNames.map((name) => value(name, literal));
const iris = (...fieldNames: string[]) => fieldNames.map((name) => value(name));

/** A list of identifiers: the list's name, then sorted `item=value` (epcList → epc=…). */
function list(name: string, item: string): Rule {
  const entries = value(item);
  return { name, render: (c, ns) => prefixed(name, entries.render({ [item]: c[name] }, ns)) };
}

/** An object field: its name, then its own fields in order. */
function group(name: string, rules: Rule[]): Rule {
  return {
    name,
    render: (c, ns) => (isObject(c[name]) ? prefixed(name, renderAll(rules, c[name], ns)) : ''),
  };
}

/** Each object of a list rendered as `itemName` + its fields; the renderings sorted. */
function objects(raw: unknown, itemName: string, rules: Rule[], namespaces: Namespaces): string {
  return sorted(
    asArray(raw)
      .filter(isObject)
      .map((item) => prefixed(itemName, renderAll(rules, item, namespaces))),
  );
}

const QUANTITY_ELEMENT = [value('epcClass'), ...literals('quantity', 'uom')];
function quantities(name: string): Rule {
  return {
    name,
    render: (c, ns) => prefixed(name, objects(c[name], 'quantityElement', QUANTITY_ELEMENT, ns)),
  };
}

/** bizTransactionList, sourceList, destinationList: sorted `type=…<valueKey>=…` pairs. */
function typedList(name: string, valueKey: string, types: Vocabulary): Rule {
  const pair = [value('type', asVocabulary(types)), value(valueKey)];
  return { name, render: (c, ns) => prefixed(name, objects(c[name], '', pair, ns)) };
}

const SENSOR_METADATA: Rule[] = [
  value('time', asTime),
  value('startTime', asTime),
  value('endTime', asTime),
  ...iris('deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'bizRules'),
];
// The reference's order; bizRules, which it does not list, is put last.
const SENSOR_REPORT: Rule[] = [
  value('type', asVocabulary(MEASUREMENT_TYPE)),
  value('exception', asVocabulary(SENSOR_ALERT_TYPE)),
  ...iris('deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod'),
  value('time', asTime),
  ...iris('microorganism', 'chemicalSubstance'),
  ...literals('value'),
  value('component', asVocabulary(SENSOR_COMPONENT)),
  ...literals('stringValue', 'booleanValue', 'hexBinaryValue'),
  ...iris('uriValue'),
  ...literals('minValue', 'maxValue', 'meanValue', 'sDev', 'percRank', 'percValue', 'uom'),
  ...iris('coordinateReferenceSystem', 'bizRules'),
];
const SENSOR_ELEMENT: Rule[] = [
  group('sensorMetadata', SENSOR_METADATA),
  { name: 'sensorReport', render: (c, ns) => objects(c.sensorReport, 'sensorReport', SENSOR_REPORT, ns) },
];
// CBV 2.0 writes no "sensorElementList" wrapper, only its sensorElement entries.
const SENSOR_ELEMENT_LIST: Rule = {
  name: 'sensorElementList',
  render: (c, ns) => objects(c.sensorElementList, 'sensorElement', SENSOR_ELEMENT, ns),
};

/** The canonical property order of CBV 2.0 (after eventType). */
const EVENT_RULES: Rule[] = [
  value('eventTime', asTime),
  value('eventTimeZoneOffset', literal),
  list('epcList', 'epc'),
  value('parentID'),
  list('inputEPCList', 'epc'),
  list('childEPCs', 'epc'),
  quantities('quantityList'),
  quantities('childQuantityList'),
  quantities('inputQuantityList'),
  list('outputEPCList', 'epc'),
  quantities('outputQuantityList'),
  value('action', literal),
  value('transformationID'),
  value('bizStep', asVocabulary(BIZ_STEP)),
  value('disposition', asVocabulary(DISPOSITION)),
  group('persistentDisposition', [
    value('set', asVocabulary(DISPOSITION)),
    value('unset', asVocabulary(DISPOSITION)),
  ]),
  group('readPoint', [value('id')]),
  group('bizLocation', [value('id')]),
  typedList('bizTransactionList', 'bizTransaction', BIZ_TRANSACTION_TYPE),
  typedList('sourceList', 'source', SOURCE_DESTINATION_TYPE),
  typedList('destinationList', 'destination', SOURCE_DESTINATION_TYPE),
  SENSOR_ELEMENT_LIST,
];

/** Event fields that are not user extensions: hashed above, or deliberately left out. */
const NOT_EXTENSIONS = new Set([
  ...EVENT_RULES.map((rule) => rule.name),
  ...['type', 'ilmd', '@context', 'eventID', 'recordTime', 'errorDeclaration', 'certificationInfo'],
]);
/** Comments are no data; the reference skips them wherever they appear. */
const COMMENT_KEYS = new Set(['comment', 'rdfs:comment']);
/** The reference keeps these siblings in document order instead of sorting them. */
const UNSORTED_KEYS = new Set(['bizTransaction', 'source', 'destination']);

const names = (rules: readonly Rule[]) => new Set(rules.map((rule) => rule.name));
const LOCATION_FIELDS = new Set(['id']);
const SENSOR_ELEMENT_FIELDS = names(SENSOR_ELEMENT);
const SENSOR_METADATA_FIELDS = names(SENSOR_METADATA);
const SENSOR_REPORT_FIELDS = names(SENSOR_REPORT);

/** Generic rendering of user data: `name=value`, objects as name + children, lists as repeats. */
function extensionParts(name: string, data: unknown, namespaces: Namespaces): string[] {
  if (Array.isArray(data)) return data.flatMap((item) => extensionParts(name, item, namespaces));
  if (isObject(data)) return [name + extensionFields(data, new Set(), namespaces)];
  const text = scalarText(data) ?? '';
  return [text ? `${name}=${canonicalValue(text)}` : name];
}

/** The fields of `container` outside `known`, rendered generically and sorted. */
function extensionFields(container: Json, known: ReadonlySet<string>, namespaces: Namespaces): string {
  const entries = Object.entries(container).filter(([key]) => !known.has(key) && !COMMENT_KEYS.has(key));
  const parts = entries.flatMap(([key, data]) =>
    extensionParts(expandName(key, namespaces), data, namespaces),
  );
  return entries.some(([key]) => UNSORTED_KEYS.has(key)) ? parts.join('') : sorted(parts);
}

/** Extensions inside standard fields, each prefixed with the path of standard field names. */
function fieldExtensions(event: Json, namespaces: Namespaces): string {
  const inside = (data: unknown, known: ReadonlySet<string>) =>
    isObject(data) ? extensionFields(data, known, namespaces) : '';
  const parts = ['readPoint', 'bizLocation'].map((name) =>
    prefixed(name, inside(event[name], LOCATION_FIELDS)),
  );
  for (const element of asArray(event.sensorElementList).filter(isObject)) {
    const reports = asArray(element.sensorReport).map((report) =>
      prefixed('sensorReport', inside(report, SENSOR_REPORT_FIELDS)),
    );
    const own = [
      prefixed('sensorMetadata', inside(element.sensorMetadata, SENSOR_METADATA_FIELDS)),
      ...reports,
      inside(element, SENSOR_ELEMENT_FIELDS),
    ];
    parts.push(prefixed('sensorElement', own.join('')));
  }
  return parts.join('');
}

/** The pre-hash string of one event. `context` is the enclosing document's `@context`. */
export function preHashString(event: Json, context?: unknown): string {
  const namespaces = namespacesOf(context, event['@context']);
  const ilmd = isObject(event.ilmd) ? `ilmd${extensionFields(event.ilmd, new Set(), namespaces)}` : '';
  return [
    `eventType=${String(event.type)}`,
    renderAll(EVENT_RULES, event, namespaces),
    ilmd,
    fieldExtensions(event, namespaces),
    extensionFields(event, NOT_EXTENSIONS, namespaces),
  ].join('');
}
