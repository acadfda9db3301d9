/**
 * Building blocks of Waybill's EPCIS JSON Schema (document-schema.ts, event-schemas.ts): references,
 * extension points and standard-vocabulary fields.
 */
import type { Vocabulary } from './cbv-vocabulary.js';

// An extension field name: a JSON-LD compact IRI (`example:myField`) or an absolute IRI.
export const EXTENSION_KEY = '^[A-Za-z][A-Za-z0-9._+-]*:[^\\s]+$';
// Namespaces owned by GS1: a URI there must name a standard value, never a user-defined one.
const CBV_NAMESPACE = '^(urn:epcglobal:cbv:|https?://(ns|ref)\\.gs1\\.org/cbv/)';
const GS1_VOC_NAMESPACE = '^https?://((www|ref)\\.)?gs1\\.org/voc/';

export const ref = (name: string) => ({ $ref: `#/$defs/${name}` });
export const arrayOf = (items: object, extra: object = {}) => ({ type: 'array', items, ...extra });
/** Spread into an object schema: its listed fields plus namespaced extension fields, nothing else. */
export const extensions = { patternProperties: { [EXTENSION_KEY]: true }, additionalProperties: false };

/** JSON Schema `if`/`then`, the one place `then` is spelt (lint takes it for a thenable). */
export function ifThen(condition: object, consequence: object) {
  // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, never awaited
  return { if: condition, then: consequence };
}

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

export function cbvValue(vocabulary: Vocabulary, what: string) {
  const forms = [vocabulary.webPrefix, vocabulary.webPrefix.replace('https://ref.', 'https://ns.')];
  if (vocabulary.urnPrefix) forms.push(vocabulary.urnPrefix);
  return vocabularyValue(vocabulary, what, CBV_NAMESPACE, forms);
}

export function gs1VocValue(vocabulary: Vocabulary, what: string) {
  return vocabularyValue(vocabulary, what, GS1_VOC_NAMESPACE, [vocabulary.webPrefix, 'https://gs1.org/voc/']);
}
