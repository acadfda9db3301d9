import { XMLBuilder } from 'fast-xml-parser';
import {
  BOOLEAN_ATTRIBUTES,
  type CbvXmlFormat,
  CONTEXT_PREFIXES,
  EPCIS_NS,
  FIELD_ORDER,
  FIELD_VOCABULARY,
  ID_LISTS,
  NUMERIC_ATTRIBUTES,
  namespacesIn,
  QUANTITY_LISTS,
  TYPED_LISTS,
  xmlWord,
} from './xml-fields.js';

type Json = Record<string, unknown>;
/** fast-xml-parser's ordered form: one element per object, attributes under ':@'. */
type Node = Record<string, unknown>;

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  suppressEmptyNode: true,
  format: true,
});

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface QueryResultsXml {
  queryName: string;
  subscriptionID?: string;
  creationDate: string;
  events: readonly Json[];
  /** prefix -> namespace URI of each event's extension fields, by eventID (the capture's @context). */
  namespaces: (event: Json) => Readonly<Record<string, string>>;
  cbvFormat: CbvXmlFormat;
}

/**
 * An EPCISQueryDocument in the EPCIS 2.0 XML binding, from the JSON-LD events the node serves.
 * Each event declares the namespaces of its own extension fields (two captures may bind one
 * prefix to different namespaces); a prefix no context declared gets a namespace that says so.
 */
export function queryDocumentXml(q: QueryResultsXml): string {
  const results: Node[] = [
    text('queryName', q.queryName),
    ...(q.subscriptionID === undefined ? [] : [text('subscriptionID', q.subscriptionID)]),
    el('resultsBody', [
      el(
        'EventList',
        // An event's own @context (JSON-LD allows one) adds to its capture's.
        q.events.map((e) =>
          new Writer(q.cbvFormat, { ...q.namespaces(e), ...namespacesIn(e['@context']) }).event(e),
        ),
      ),
    ]),
  ];
  const root = el('epcisq:EPCISQueryDocument', [el('EPCISBody', [el('epcisq:QueryResults', results)])], {
    'xmlns:epcis': EPCIS_NS.v2,
    'xmlns:epcisq': EPCIS_NS.query2,
    schemaVersion: '2.0',
    creationDate: q.creationDate,
  });
  return builder.build([el('?xml', [], { version: '1.0', encoding: 'UTF-8' }), root]) as string;
}

function el(name: string, children: Node[], attributes?: Record<string, string>): Node {
  return attributes ? { [name]: children, ':@': attributes } : { [name]: children };
}

function text(name: string, value: unknown, attributes?: Record<string, string>): Node {
  return el(name, [{ '#text': scalar(value) }], attributes);
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Prefix of an extension member name (`example:note`), or undefined for a standard field. */
function prefixOf(key: string): string | undefined {
  const i = key.indexOf(':');
  return i > 0 && !key.includes('/') ? key.slice(0, i) : undefined;
}

/** A prefix XML can declare (an NCName, roughly: JSON-LD terms may be anything). */
const XML_NAME = /^[A-Za-z_][\w.-]*$/;

/** Namespace for a prefix no context declared: well-formed XML, and plain about why. */
const UNDECLARED = 'urn:waybill:undeclared-prefix:';

class Writer {
  private readonly used = new Map<string, string>();

  constructor(
    private readonly cbv: CbvXmlFormat,
    private readonly namespaces: Readonly<Record<string, string>>,
  ) {}

  event(e: Json): Node {
    const type = String(e.type);
    const order = FIELD_ORDER[type] ?? [];
    const children: Node[] = [];
    for (const key of order) if (key in e) children.push(...this.field(key, e[key]));
    for (const [key, value] of Object.entries(e)) {
      if (key === 'type' || key === '@context' || order.includes(key)) continue;
      children.push(...this.extension(key, value));
    }
    // Every namespace of the capture's context, used by a member or not: a value may be a CURIE.
    for (const prefix of Object.keys(this.namespaces)) if (XML_NAME.test(prefix)) this.declare(prefix);
    const declarations = Object.fromEntries([...this.used].map(([p, ns]) => [`xmlns:${p}`, ns]));
    return el(type, children, Object.keys(declarations).length > 0 ? declarations : undefined);
  }

  private word(field: string, value: unknown): string {
    const vocabulary = FIELD_VOCABULARY[field];
    return typeof value === 'string' && vocabulary ? xmlWord(vocabulary, value, this.cbv) : scalar(value);
  }

  private field(key: string, value: unknown): Node[] {
    if (key in ID_LISTS && Array.isArray(value))
      return [
        el(
          key,
          value.map((v) => text(ID_LISTS[key] as string, v)),
        ),
      ];
    if (QUANTITY_LISTS.includes(key) && Array.isArray(value))
      return [
        el(
          key,
          value
            .filter(isObject)
            .map((q) => el('quantityElement', this.members(q, ['epcClass', 'quantity', 'uom']))),
        ),
      ];
    if (key in TYPED_LISTS && Array.isArray(value)) {
      const item = TYPED_LISTS[key] as string;
      return [
        el(
          key,
          value
            .filter(isObject)
            .map((v) =>
              text(item, v[item], v.type === undefined ? undefined : { type: this.word(item, v.type) }),
            ),
        ),
      ];
    }
    if ((key === 'readPoint' || key === 'bizLocation') && isObject(value))
      return [el(key, this.members(value, ['id']))];
    if (key === 'persistentDisposition' && isObject(value))
      return [
        el(
          key,
          ['set', 'unset'].flatMap((k) =>
            Array.isArray(value[k]) ? (value[k] as unknown[]).map((v) => text(k, this.word(k, v))) : [],
          ),
        ),
      ];
    if (key === 'sensorElementList' && Array.isArray(value))
      return [
        el(
          key,
          value.filter(isObject).map((s) => this.sensorElement(s)),
        ),
      ];
    if (key === 'errorDeclaration' && isObject(value))
      return [el(key, this.members(value, ['declarationTime', 'reason', 'correctiveEventIDs']))];
    if (key === 'ilmd' && isObject(value))
      return [
        el(
          key,
          Object.entries(value).flatMap(([k, v]) => this.extension(k, v)),
        ),
      ];
    if (key === 'certificationInfo' && Array.isArray(value)) return value.map((v) => text(key, v));
    return [text(key, this.word(key, value))];
  }

  /** Standard members of an object in `order`, then its extensions. */
  private members(o: Json, order: readonly string[]): Node[] {
    const out: Node[] = [];
    for (const k of order) if (k in o) out.push(...this.field(k, o[k]));
    for (const [k, v] of Object.entries(o)) if (!order.includes(k)) out.push(...this.extension(k, v));
    return out;
  }

  private sensorElement(s: Json): Node {
    const children: Node[] = [];
    if (isObject(s.sensorMetadata)) children.push(this.sensorAttributes('sensorMetadata', s.sensorMetadata));
    if (Array.isArray(s.sensorReport))
      for (const r of s.sensorReport.filter(isObject))
        children.push(this.sensorAttributes('sensorReport', r));
    for (const [k, v] of Object.entries(s))
      if (k !== 'sensorMetadata' && k !== 'sensorReport') children.push(...this.extension(k, v));
    return el('sensorElement', children);
  }

  /** sensorMetadata / sensorReport: fields as attributes, nested extensions as elements. */
  private sensorAttributes(name: string, o: Json): Node {
    const attributes: Record<string, string> = {};
    const children: Node[] = [];
    for (const [k, v] of Object.entries(o)) {
      if (isObject(v) || Array.isArray(v)) {
        children.push(...this.extension(k, v));
        continue;
      }
      if (prefixOf(k)) this.declare(prefixOf(k) as string);
      attributes[k] = NUMERIC_ATTRIBUTES.has(k) || BOOLEAN_ATTRIBUTES.has(k) ? String(v) : this.word(k, v);
    }
    return el(name, children, attributes);
  }

  /** A user extension member as an element in its namespace (arrays: the element repeated). */
  private extension(key: string, value: unknown): Node[] {
    if (Array.isArray(value)) return value.flatMap((v) => this.extension(key, v));
    const name = this.elementName(key);
    // A member without a prefix inside an extension is an unqualified child, as it was captured.
    if (isObject(value))
      return [
        el(
          name,
          Object.entries(value).flatMap(([k, v]) => this.extension(k, v)),
        ),
      ];
    return [text(name, value)];
  }

  /** `prefix:local` as is; a full URI (`https://example.org/ns#note`) split into namespace and name. */
  private elementName(key: string): string {
    const prefix = prefixOf(key);
    if (prefix) {
      this.declare(prefix);
      return key;
    }
    const cut = Math.max(key.lastIndexOf('/'), key.lastIndexOf('#'));
    if (cut < 0) return key;
    const ns = key.slice(0, cut + 1);
    let p = [...this.used].find(([, uri]) => uri === ns)?.[0];
    if (p === undefined) {
      let i = 1;
      while (this.used.has(`ext${i}`) || this.namespaces[`ext${i}`] !== undefined) i++;
      p = `ext${i}`;
      this.used.set(p, ns);
    }
    return `${p}:${key.slice(cut + 1)}`;
  }

  private declare(prefix: string): void {
    if (this.used.has(prefix)) return;
    this.used.set(prefix, this.namespaces[prefix] ?? CONTEXT_PREFIXES[prefix] ?? `${UNDECLARED}${prefix}`);
  }
}
