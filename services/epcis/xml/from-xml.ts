import { DISPOSITION } from '../cbv-vocabulary.js';
import { EPCIS_CONTEXT_URL } from '../document-schema.js';
import {
  BOOLEAN_ATTRIBUTES,
  bareWord,
  CONTEXT_PREFIXES,
  EPCIS_NS,
  FIELD_VOCABULARY,
  ID_LISTS,
  NUMERIC_ATTRIBUTES,
  QUANTITY_LISTS,
  STANDARD_NAMESPACES,
  TYPED_LISTS,
} from './xml-fields.js';
import { parseXml, type XmlElement, XmlSyntaxError } from './xml-tree.js';

type Json = Record<string, unknown>;

const EVENT_TYPES = new Set([
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
]);

/**
 * Reads an EPCIS XML capture document (EPCIS 2.0, and 1.2, whose `extension` wrappers are
 * flattened) into the JSON-LD EPCISDocument the JSON binding would have carried: the same event
 * model, so it is validated, hashed and stored by the one JSON path. Extension elements become
 * `prefix:name` members with their namespaces in `@context`. Nothing is checked here beyond the
 * XML itself: a field the JSON binding does not know stays, and validation names it.
 */
export function epcisDocumentFromXml(text: string): Json {
  return new Reader().document(parseXml(text));
}

export { XmlSyntaxError };

/** Is this element one of EPCIS's own (unqualified, or in an EPCIS namespace)? */
const standard = (e: XmlElement) => e.ns === undefined || STANDARD_NAMESPACES.has(e.ns);

class Reader {
  /** prefix -> namespace of every extension met, for `@context`. */
  private readonly namespaces = new Map<string, string>();

  document(root: XmlElement): Json {
    this.declared(root);
    if (root.local !== 'EPCISDocument' && root.local !== 'EPCISQueryDocument')
      throw new XmlSyntaxError([
        { field: root.local, message: 'the root element must be an EPCISDocument (or EPCISQueryDocument)' },
      ]);
    const attr = (n: string) => root.attributes.find((a) => a.local === n && a.ns === undefined)?.value;
    const out: Json = {
      '@context': EPCIS_CONTEXT_URL,
      type: 'EPCISDocument',
      // The JSON-LD model is EPCIS 2.0's; a 1.2 document is read into it.
      schemaVersion: attr('schemaVersion') === '1.2' ? '2.0' : attr('schemaVersion'),
      creationDate: attr('creationDate'),
    };
    for (const a of root.attributes)
      if (a.ns !== undefined && !STANDARD_NAMESPACES.has(a.ns) && a.ns !== XSI) out[this.key(a)] = a.value;
    const header = child(root, 'EPCISHeader');
    if (header) out.epcisHeader = this.header(header);
    const body = child(root, 'EPCISBody');
    const eventList =
      root.local === 'EPCISDocument'
        ? body && child(body, 'EventList')
        : body && descend(body, ['QueryResults', 'resultsBody', 'EventList']);
    out.epcisBody = { eventList: eventList ? this.events(eventList) : [] };
    if (this.namespaces.size > 0)
      out['@context'] = [EPCIS_CONTEXT_URL, Object.fromEntries([...this.namespaces].sort())];
    return out;
  }

  /**
   * Every namespace the document declares, used by an element or not: a value may be a CURIE
   * (`example:x`) whose prefix only the declaration names. A prefix declared twice with two
   * namespaces keeps the first; elements in the other get a fresh prefix (key).
   */
  private declared(e: XmlElement): void {
    for (const [prefix, ns] of e.declarations)
      if (prefix !== '' && !STANDARD_NAMESPACES.has(ns) && ns !== XSI && !this.namespaces.has(prefix))
        this.namespaces.set(prefix, ns);
    for (const c of e.children) this.declared(c);
  }

  private events(list: XmlElement): Json[] {
    const out: Json[] = [];
    for (const e of flat(list.children)) {
      if (EVENT_TYPES.has(e.local) && standard(e)) out.push(this.event(e));
      // Anything else in the list is not an event: validation refuses it by its type.
      else out.push({ type: standard(e) ? e.local : this.key(e) });
    }
    return out;
  }

  private header(header: XmlElement): Json {
    const out: Json = {};
    const master = flat(header.children).find((c) => c.local === 'EPCISMasterData' && standard(c));
    const vocabularies = master && child(master, 'VocabularyList');
    if (vocabularies)
      out.epcisMasterData = {
        vocabularyList: flat(vocabularies.children).map((v) => ({
          type: attribute(v, 'type'),
          vocabularyElementList: flat(child(v, 'VocabularyElementList')?.children ?? []).map((el) =>
            this.vocabularyElement(el),
          ),
        })),
      };
    return out;
  }

  private vocabularyElement(el: XmlElement): Json {
    const out: Json = { id: attribute(el, 'id') };
    const attributes: Json[] = [];
    for (const c of flat(el.children)) {
      if (c.local === 'attribute' && standard(c))
        attributes.push({
          id: attribute(c, 'id'),
          attribute: c.children.length > 0 ? this.extensionValue(c) : c.text,
        });
      else if (c.local === 'children' && standard(c)) out.children = c.children.map((id) => id.text);
    }
    if (attributes.length > 0) out.attributes = attributes;
    return out;
  }

  private event(e: XmlElement): Json {
    const out: Json = { type: e.local };
    for (const f of flat(e.children)) this.field(out, f);
    return out;
  }

  /** One child element of an event (or of an errorDeclaration) into `out`. */
  private field(out: Json, f: XmlElement): void {
    if (!standard(f)) {
      add(out, this.key(f), this.extensionValue(f));
      return;
    }
    const name = f.local;
    if (name in ID_LISTS) out[name] = f.children.map((c) => c.text);
    else if (QUANTITY_LISTS.includes(name)) out[name] = f.children.map((q) => this.quantity(q));
    else if (name in TYPED_LISTS) out[name] = f.children.map((item) => this.typed(item));
    else if (name === 'readPoint' || name === 'bizLocation') out[name] = this.nested(f);
    else if (name === 'persistentDisposition') out[name] = this.persistentDisposition(f);
    else if (name === 'sensorElementList') out[name] = f.children.map((s) => this.sensorElement(s));
    else if (name === 'errorDeclaration') {
      const declaration: Json = {};
      for (const c of flat(f.children)) this.field(declaration, c);
      out[name] = declaration;
    } else if (name === 'ilmd') out[name] = this.extensions(f);
    else if (name === 'certificationInfo') add(out, name, f.text);
    else {
      const vocabulary = FIELD_VOCABULARY[name];
      out[name] = vocabulary && name !== 'type' ? bareWord(vocabulary, f.text) : f.text;
    }
  }

  private quantity(q: XmlElement): Json {
    const out: Json = {};
    for (const c of flat(q.children)) {
      if (!standard(c)) add(out, this.key(c), this.extensionValue(c));
      else if (c.local === 'quantity') out.quantity = number(c.text);
      else out[c.local] = c.text;
    }
    return out;
  }

  /** A bizTransaction, source or destination: `type` attribute, identifier as text. */
  private typed(item: XmlElement): Json {
    const type = attribute(item, 'type');
    const vocabulary = FIELD_VOCABULARY[item.local];
    return {
      ...(type === undefined ? {} : { type: vocabulary ? bareWord(vocabulary, type) : type }),
      [item.local]: item.text,
    };
  }

  /** readPoint / bizLocation: `id` and extension elements. */
  private nested(f: XmlElement): Json {
    const out: Json = {};
    for (const c of flat(f.children)) {
      if (standard(c)) out[c.local] = c.text;
      else add(out, this.key(c), this.extensionValue(c));
    }
    return out;
  }

  private persistentDisposition(f: XmlElement): Json {
    const out: Json = {};
    for (const c of f.children) {
      if (!standard(c)) continue;
      const list = (out[c.local] as string[] | undefined) ?? [];
      list.push(bareWord(DISPOSITION, c.text));
      out[c.local] = list;
    }
    return out;
  }

  private sensorElement(s: XmlElement): Json {
    const out: Json = {};
    const reports: Json[] = [];
    for (const c of flat(s.children)) {
      if (!standard(c)) add(out, this.key(c), this.extensionValue(c));
      else if (c.local === 'sensorMetadata') out.sensorMetadata = this.sensorAttributes(c);
      else if (c.local === 'sensorReport') reports.push(this.sensorAttributes(c));
    }
    if (reports.length > 0) out.sensorReport = reports;
    return out;
  }

  /** sensorMetadata and sensorReport carry their fields as attributes (and extension elements). */
  private sensorAttributes(c: XmlElement): Json {
    const out: Json = {};
    for (const a of c.attributes) {
      if (a.ns === XSI) continue;
      if (a.ns !== undefined) {
        out[this.key(a)] = a.value;
        continue;
      }
      const vocabulary = FIELD_VOCABULARY[a.local];
      out[a.local] = NUMERIC_ATTRIBUTES.has(a.local)
        ? number(a.value)
        : BOOLEAN_ATTRIBUTES.has(a.local)
          ? a.value === 'true' || a.value === '1'
          : vocabulary
            ? bareWord(vocabulary, a.value)
            : a.value;
    }
    for (const e of c.children) if (!standard(e)) add(out, this.key(e), this.extensionValue(e));
    return out;
  }

  /** The extension elements of an ilmd (or any container of extensions only). */
  private extensions(f: XmlElement): Json {
    const out: Json = {};
    for (const c of flat(f.children)) add(out, this.key(c), this.extensionValue(c));
    return out;
  }

  /** An extension element: its text, or an object of its children (repeated names as arrays). */
  private extensionValue(e: XmlElement): unknown {
    if (e.children.length === 0) return e.text;
    const out: Json = {};
    for (const c of e.children) add(out, standard(c) ? c.local : this.key(c), this.extensionValue(c));
    return out;
  }

  /** `prefix:local` for a namespaced name, remembering the prefix for `@context`. */
  private key(n: { ns: string | undefined; prefix: string | undefined; local: string }): string {
    if (n.ns === undefined) return n.local;
    // GS1's context defines these itself; they are declared anyway, as readers may not know them.
    let prefix = Object.entries(CONTEXT_PREFIXES).find(([, ns]) => ns === n.ns)?.[0] ?? n.prefix;
    // A prefix bound to two namespaces in one document, or a default namespace: a fresh prefix.
    if (prefix === undefined || (this.namespaces.has(prefix) && this.namespaces.get(prefix) !== n.ns)) {
      const known = [...this.namespaces].find(([, ns]) => ns === n.ns)?.[0];
      prefix = known ?? freshPrefix(this.namespaces);
    }
    this.namespaces.set(prefix, n.ns);
    return `${prefix}:${n.local}`;
  }
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

function freshPrefix(taken: ReadonlyMap<string, string>): string {
  let i = 1;
  while (taken.has(`ns${i}`)) i++;
  return `ns${i}`;
}

/** EPCIS 1.2 wraps later fields in `extension` (and eventID in `baseExtension`): read through them. */
function flat(children: readonly XmlElement[]): XmlElement[] {
  return children.flatMap((c) =>
    (c.local === 'extension' || c.local === 'baseExtension') && standard(c) ? flat(c.children) : [c],
  );
}

function child(e: XmlElement, local: string): XmlElement | undefined {
  return flat(e.children).find((c) => c.local === local && standard(c));
}

function descend(e: XmlElement, path: readonly string[]): XmlElement | undefined {
  let at: XmlElement | undefined = e;
  for (const local of path) at = at && child(at, local);
  return at;
}

function attribute(e: XmlElement, local: string): string | undefined {
  return e.attributes.find((a) => a.local === local && a.ns === undefined)?.value;
}

/** A number as JSON carries it; text that is not one stays text, and validation refuses it. */
function number(text: string): unknown {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

/** Sets a member; a repeated extension element becomes an array. */
function add(out: Json, key: string, value: unknown): void {
  if (!(key in out)) out[key] = value;
  else if (Array.isArray(out[key])) (out[key] as unknown[]).push(value);
  else out[key] = [out[key], value];
}

export { EPCIS_NS };
