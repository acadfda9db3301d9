import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ValidationError } from '../types.js';

/**
 * An XML element with its namespace resolved. fast-xml-parser reads the text (a well-kept
 * parser, no native code) but leaves `prefix:name` and `xmlns` declarations as written; EPCIS
 * tells standard fields (no namespace) from user extensions (any other namespace) by namespace,
 * so the scopes of `xmlns` declarations are resolved here.
 */
export interface XmlElement {
  /** Namespace URI, or undefined for an unqualified element (EPCIS's own fields). */
  ns: string | undefined;
  /** The prefix it was written with, if any. */
  prefix: string | undefined;
  local: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** The element's own text (trimmed, entities resolved), '' when none. */
  text: string;
  /** Namespaces this element declares (prefix -> URI; '' for a default namespace). */
  declarations: ReadonlyMap<string, string>;
}

export interface XmlAttribute {
  ns: string | undefined;
  prefix: string | undefined;
  local: string;
  value: string;
}

/** Nesting past this is refused: EPCIS documents nest about 10 levels (as MAX_JSON_DEPTH for JSON). */
export const MAX_XML_DEPTH = 64;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_XML_DEPTH,
});

/** Why an XML body cannot be read, as a field error of the request body. */
export class XmlSyntaxError extends Error {
  constructor(readonly errors: ValidationError[]) {
    super(errors[0]?.message ?? 'the XML is not well-formed');
  }
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function split(name: string): { prefix: string | undefined; local: string } {
  const i = name.indexOf(':');
  return i < 0 ? { prefix: undefined, local: name } : { prefix: name.slice(0, i), local: name.slice(i + 1) };
}

function element(node: OrderedNode, scope: ReadonlyMap<string, string>): XmlElement | undefined {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (name === undefined || name === '#text') return undefined;
  const raw = node[':@'] ?? {};
  const declarations = new Map<string, string>();
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'xmlns') declarations.set('', v);
    else if (k.startsWith('xmlns:')) declarations.set(k.slice(6), v);
  }
  const own = new Map([...scope, ...declarations]);
  const resolve = (prefix: string | undefined, isAttribute: boolean) => {
    if (prefix === 'xml') return XML_NS;
    if (prefix === undefined) return isAttribute ? undefined : own.get('') || undefined;
    const ns = own.get(prefix);
    if (ns === undefined)
      throw new XmlSyntaxError([{ field: name, message: `the prefix '${prefix}' is not declared` }]);
    return ns;
  };
  const { prefix, local } = split(name);
  const attributes = Object.entries(raw)
    .filter(([k]) => k !== 'xmlns' && !k.startsWith('xmlns:'))
    .map(([k, value]) => {
      const a = split(k);
      return { ns: resolve(a.prefix, true), prefix: a.prefix, local: a.local, value };
    });
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[name] as OrderedNode[] | undefined) ?? []) {
    if ('#text' in child) text += String(child['#text']);
    else {
      const e = element(child, own);
      if (e) children.push(e);
    }
  }
  return { ns: resolve(prefix, false), prefix, local, attributes, children, text, declarations };
}

/**
 * The root element of an XML text. A DOCTYPE is refused: EPCIS needs none, and entity
 * declarations are how XML bodies are made to expand without bound.
 */
export function parseXml(text: string): XmlElement {
  if (/<!DOCTYPE/i.test(text))
    throw new XmlSyntaxError([{ field: '/', message: 'a DOCTYPE is not allowed in an EPCIS XML document' }]);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    throw new XmlSyntaxError([{ field: `line ${line}, column ${col}`, message: msg }]);
  }
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(text) as OrderedNode[];
  } catch (err) {
    throw new XmlSyntaxError([{ field: '/', message: (err as Error).message }]);
  }
  const roots = nodes.map((n) => element(n, new Map())).filter((e) => e !== undefined);
  const [root] = roots;
  if (!root || roots.length > 1)
    throw new XmlSyntaxError([{ field: '/', message: 'an XML document has exactly one root element' }]);
  return root;
}
