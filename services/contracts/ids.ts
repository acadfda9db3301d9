import {
  BIZ_STEP,
  canonicalGs1Identifier,
  DISPOSITION,
  SOURCE_DESTINATION_TYPE,
  type Vocabulary,
} from '../epcis/index.js';

const keyCache = new Map<string, string>();

/**
 * The one key of an object or class: EPC URIs and GS1 Digital Link URIs of the same identifier
 * map to the same canonical Digital Link URI. Non-GS1 identifiers are kept as written.
 */
export function idKey(id: string): string {
  let key = keyCache.get(id);
  if (key === undefined) {
    key = canonicalGs1Identifier(id) ?? id;
    if (keyCache.size > 100_000) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

/** A CBV value as its bare word ("shipping"), whether written bare, as web URI or as URN. */
function bareWord(vocabulary: Vocabulary, value: unknown): string {
  if (typeof value !== 'string') return '';
  if (value.startsWith(vocabulary.webPrefix)) return value.slice(vocabulary.webPrefix.length);
  if (vocabulary.urnPrefix && value.startsWith(vocabulary.urnPrefix)) {
    return value.slice(vocabulary.urnPrefix.length);
  }
  return value;
}

export const bizStepWord = (value: unknown) => bareWord(BIZ_STEP, value);
export const dispositionWord = (value: unknown) => bareWord(DISPOSITION, value);
export const sdtWord = (value: unknown) => bareWord(SOURCE_DESTINATION_TYPE, value);
