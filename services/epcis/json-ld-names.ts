/**
 * JSON-LD prefixes as the event hash needs them: extension field names are hashed by namespace
 * (`{namespace}localName`, XML's Clark notation, as the reference implementation writes them), so
 * the prefix a document happens to choose does not change an event's hash.
 */

/** JSON-LD prefix → namespace IRI, from the contexts in force. */
export type Namespaces = ReadonlyMap<string, string>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Prefixes the GS1 EPCIS context defines, which documents use without defining them inline. The
 * reference writes `cbvmda:` names in the namespace CBV master data has in XML.
 */
const BUILT_IN_NAMESPACES: ReadonlyArray<[string, string]> = [
  ['cbv', 'https://ref.gs1.org/cbv/'],
  ['gs1', 'https://ref.gs1.org/voc/'],
  ['cbvmda', 'urn:epcglobal:cbv:mda'],
];
/** Compact IRI values are expanded only into these (as the reference's vectors show). */
const GS1_VOCABULARY_NAMESPACES = ['https://ref.gs1.org/cbv/', 'https://ref.gs1.org/voc/'];

/** Prefix definitions of inline JSON-LD contexts (document first, then the event's own). */
export function namespacesOf(...contexts: unknown[]): Map<string, string> {
  const namespaces = new Map(BUILT_IN_NAMESPACES);
  for (const context of contexts) {
    for (const entry of (Array.isArray(context) ? context : [context]).filter(isObject)) {
      for (const [prefix, iri] of Object.entries(entry)) {
        if (typeof iri === 'string' && !prefix.startsWith('@') && !prefix.includes(':'))
          namespaces.set(prefix, iri);
      }
    }
  }
  return namespaces;
}

/** "cbv:Comp-latitude" → "https://ref.gs1.org/cbv/Comp-latitude"; any other text unchanged. */
export function expandGs1Curie(text: string, namespaces: Namespaces): string {
  const colon = text.indexOf(':');
  const namespace = colon < 0 ? undefined : namespaces.get(text.slice(0, colon));
  const isGs1 = namespace !== undefined && GS1_VOCABULARY_NAMESPACES.includes(namespace);
  return isGs1 ? namespace + text.slice(colon + 1) : text;
}

/** `prefix:name` → `{namespace}name` when the prefix is known (XML's Clark notation, as the reference). */
export function expandName(key: string, namespaces: Namespaces): string {
  const colon = key.indexOf(':');
  const namespace = colon < 0 ? undefined : namespaces.get(key.slice(0, colon));
  return namespace === undefined ? key : `{${namespace}}${key.slice(colon + 1)}`;
}
