import { bizStepWord, dispositionWord, idKey } from '../contracts/index.js';
import {
  BIZ_STEP,
  canonicalDigitalLink,
  DISPOSITION,
  epcToDigitalLink,
  MAX_URI_LENGTH,
  type Vocabulary,
} from '../epcis/index.js';

/** An absolute URI: an RFC 3986 scheme, then only characters RFC 3986 allows (no space, quote or control). */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

export const MAX_VALUE_LENGTH = MAX_URI_LENGTH;

export function isUri(value: string): boolean {
  return value.length <= MAX_VALUE_LENGTH && URI.test(value);
}

/**
 * The canonical key of an object, class or location identifier given in a parameter or path, the
 * same key the index holds (idKey): an EPC URN and the Digital Link URI of the same object are one.
 * Undefined when it is no URI, or claims to be a GS1 identifier (urn:epc:, id.gs1.org) and is not valid.
 */
export function identifierKey(value: string): string | undefined {
  if (!isUri(value) || value.startsWith('urn:epc:idpat:')) return undefined;
  if (value.startsWith('urn:epc:')) return epcToDigitalLink(value) === undefined ? undefined : idKey(value);
  if (/^https?:\/\/id\.gs1\.org\//i.test(value) && canonicalDigitalLink(value) === undefined)
    return undefined;
  return idKey(value);
}

/**
 * An EPC pattern (`urn:epc:idpat:sgtin:0614141.107346.*`) as the prefix its matches' keys start
 * with (`https://id.gs1.org/01/00614141073467/`); undefined when it is no valid pattern.
 */
export function patternPrefix(value: string): string | undefined {
  if (!value.startsWith('urn:epc:idpat:') || !isUri(value)) return undefined;
  const base = epcToDigitalLink(value);
  return base === undefined ? undefined : `${base}/`;
}

function vocabularyValue(vocabulary: Vocabulary, word: (v: string) => string, value: string) {
  const bare = word(value);
  if (vocabulary.words.includes(bare)) return bare;
  // Anything else must be a URI of the user's own vocabulary, as in capture.
  return bare === value && isUri(value) && !vocabulary.words.includes(value) ? value : undefined;
}

/** A bizStep as the index holds it: the CBV bare word, or a user vocabulary URI as written. */
export const bizStepKey = (value: string) => vocabularyValue(BIZ_STEP, bizStepWord, value);
export const dispositionKey = (value: string) => vocabularyValue(DISPOSITION, dispositionWord, value);
