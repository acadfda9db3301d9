/**
 * Canonical GS1 Digital Link URIs, as the CBV 2.0 event hash expresses every GS1 identifier:
 * `https://id.gs1.org/<primary key AI>/<key>[/<qualifier AI>/<value>]`, whatever the input form
 * (an EPC URI, or a Digital Link URI on any domain), keeping only the finest level of
 * identification. Hand-written for the same reason as epc-uri.ts: the result must equal the
 * reference implementation's, and no library computes it.
 */
import { epcToDigitalLink } from './epc-uri.js';

const DL = 'https://id.gs1.org';

/** Table lookup by a key taken from input, which must never reach Object.prototype ("constructor"). */
const own = <T>(table: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

/** Primary key AIs of GS1 Digital Link, and the short names DL 1.0 allowed for them. */
// biome-ignore format: a list reads better packed
const PRIMARY_KEY_AIS = [
  '00', '01', '253', '255', '401', '402', '414', '417', '8003', '8004', '8006', '8010', '8017', '8018',
];
// biome-ignore format: a table reads better packed
const PRIMARY_KEY_SHORT_NAME: Record<string, string> = {
  sscc: '00', gtin: '01', gdti: '253', gcn: '255', ginc: '401', gsin: '402', gln: '414', party: '417',
  grai: '8003', giai: '8004', itip: '8006', cpid: '8010', gsrnp: '8017', gsrn: '8018',
};
const primaryKeyAi = (segment: string) =>
  PRIMARY_KEY_AIS.includes(segment) ? segment : own(PRIMARY_KEY_SHORT_NAME, segment);
const QUALIFIER_SHORT_NAME: Record<string, string> = { cpv: '22', lot: '10', ser: '21' };

// A character a canonical Digital Link value may carry without %-encoding. Anything %-encoded is
// left as written (the reference implementation does not canonicalise it either).
const DL_CHAR = `["'\\-.0-9;<=>?A-Z_a-z]`;
const dlText = (min: number, max: number) => new RegExp(`^${DL_CHAR}{${min},${max}}$`);

const KEY_FORMAT: Record<string, RegExp> = {
  '00': /^\d{18}$/,
  '01': /^\d{14}$/,
  '253': new RegExp(`^\\d{13}${DL_CHAR}{0,17}$`),
  '255': /^\d{13,25}$/,
  '401': dlText(1, 30),
  '402': /^\d{17}$/,
  '414': /^\d{13}$/,
  '417': /^\d{13}$/,
  '8003': new RegExp(`^\\d{14}${DL_CHAR}{0,16}$`),
  '8004': dlText(1, 30),
  '8006': /^\d{18}$/,
  '8010': /^[0-9A-Z-]{1,30}$/,
  '8017': /^\d{18}$/,
  '8018': /^\d{18}$/,
};
const QUALIFIER_FORMAT: Record<string, RegExp> = {
  '22': dlText(1, 20),
  '10': dlText(1, 20),
  '21': dlText(1, 20),
  '235': dlText(1, 28),
  '254': dlText(1, 20),
  '8011': /^\d{1,12}$/,
};
/** Key qualifiers each primary key may have, in the order a Digital Link URI must give them. */
const QUALIFIER_ORDER: Record<string, string[]> = {
  '01': ['22', '10', '21'],
  '8006': ['22', '10', '21'],
  '414': ['254'],
  '8010': ['8011'],
};

/**
 * A GS1 Digital Link URI (any host, http or https) in canonical form: on id.gs1.org, AIs instead
 * of short names, GTIN as 14 digits, no query, no consumer product variant (22), and a serial
 * replacing the lot when both are given. Undefined when `uri` is no valid uncompressed DL URI.
 */
export function canonicalDigitalLink(uri: string): string | undefined {
  const path = /^https?:\/\/[^/?#]*(\/[^?#]*)/.exec(uri)?.[1];
  if (path === undefined) return undefined;
  const segments = path.split('/').slice(1);
  const start = segments.findIndex(
    (s, i) => primaryKeyAi(s) !== undefined && /^\d{4}/.test(segments[i + 1] ?? ''),
  );
  const ai = primaryKeyAi(segments[start] ?? '');
  if (start < 0 || ai === undefined) return undefined;
  let key = segments[start + 1] ?? '';
  if (ai === '01' && [8, 12, 13].includes(key.length)) key = key.padStart(14, '0');
  if (!KEY_FORMAT[ai]?.test(key)) return undefined;
  const qualifiers = canonicalQualifiers(ai, segments.slice(start + 2));
  return qualifiers === undefined ? undefined : `${DL}/${ai}/${key}${qualifiers}`;
}

function canonicalQualifiers(ai: string, rest: string[]): string | undefined {
  if (rest.length % 2 !== 0) return undefined;
  const allowed = ai === '01' && rest[0] === '235' ? ['235'] : (QUALIFIER_ORDER[ai] ?? []);
  const values = new Map<string, string>();
  let position = -1;
  for (let i = 0; i < rest.length; i += 2) {
    const name = rest[i] ?? '';
    const qualifier = own(QUALIFIER_SHORT_NAME, name) ?? name;
    const value = rest[i + 1] ?? '';
    const index = allowed.indexOf(qualifier);
    if (index <= position || !own(QUALIFIER_FORMAT, qualifier)?.test(value)) return undefined;
    position = index;
    values.set(qualifier, value);
  }
  // Only the finest identification counts: serial over lot; the product variant (22) never.
  const finest = ['21', '10', '235', '254', '8011'].find((q) => values.has(q));
  return finest === undefined ? '' : `/${finest}/${values.get(finest)}`;
}

/** Any GS1 identifier URI (EPC URI or Digital Link URI) in canonical Digital Link form, else undefined. */
export function canonicalGs1Identifier(uri: string): string | undefined {
  return uri.startsWith('urn:epc:') ? epcToDigitalLink(uri) : canonicalDigitalLink(uri);
}
