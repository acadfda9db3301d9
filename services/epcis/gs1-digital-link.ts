/**
 * Canonical GS1 Digital Link URIs, as the CBV 2.0 event hash expresses every GS1 identifier:
 * `https://id.gs1.org/<primary key AI>/<key>[/<qualifier AI>/<value>]`, whatever the input form
 * (an EPC URI of the GS1 Tag Data Standard, or a Digital Link URI on any domain), keeping only the
 * finest level of identification. Written by hand: no JavaScript library implements this mapping,
 * and the hash needs exactly the reference implementation's results (RalphTro/epcis-event-hash-generator).
 */

/** GS1 mod-10 check digit of the digits given (GS1 General Specifications 7.9.1). */
export function checkDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Weights alternate 3, 1, … starting from the rightmost digit.
    const weight = (digits.length - i) % 2 === 1 ? 3 : 1;
    sum += Number(digits[i]) * weight;
  }
  return String((10 - (sum % 10)) % 10);
}

// One character of a GS1 "AI encodable character set 82" value inside an EPC URI: a URI-safe
// character as is, any other one %-escaped (Tag Data Standard, EPC URI syntax). Values move into
// the Digital Link URI exactly as written, escapes included.
const CS82 =
  "(?:[!'()*+,.0-9:;=A-Za-z_-]|%(?:2[125-9A-Fa-f]|3[0-9A-Fa-f]|4[1-9A-Fa-f]|5[0-9AFaf]|6[1-9A-Fa-f]|7[0-9Aa]))";
const isCs82 = (text: string, max: number) => new RegExp(`^${CS82}{1,${max}}$`).test(text);
const countCs82 = (text: string) => text.replace(/%[0-9A-Fa-f]{2}/g, '%').length;

const DL = 'https://id.gs1.org';

/** Company prefix (6–12 digits) and a numeric reference that together have `total` digits. */
function splitKey(companyPrefix: string, reference: string, total: number): boolean {
  return (
    /^\d{6,12}$/.test(companyPrefix) &&
    /^\d*$/.test(reference) &&
    companyPrefix.length + reference.length === total
  );
}

/** GTIN-14 from an SGTIN-style company prefix and item reference (indicator digit first). */
function gtin(companyPrefix: string, itemReference: string): string | undefined {
  if (!splitKey(companyPrefix, itemReference, 13)) return undefined;
  const body = itemReference.slice(0, 1) + companyPrefix + itemReference.slice(1);
  return body + checkDigit(body);
}

/** A 12 digit company prefix + reference key (GLN, GDTI, SGCN, GRAI) with its check digit. */
function key13(companyPrefix: string, reference: string): string | undefined {
  if (!splitKey(companyPrefix, reference, 12)) return undefined;
  return companyPrefix + reference + checkDigit(companyPrefix + reference);
}

function key18(companyPrefix: string, reference: string): string | undefined {
  if (!splitKey(companyPrefix, reference, 17)) return undefined;
  return companyPrefix + reference + checkDigit(companyPrefix + reference);
}

type EpcConverter = (parts: string[]) => string | undefined;

/** EPC pure identity URIs (urn:epc:id:<scheme>:…), by scheme. */
const EPC_ID: Record<string, EpcConverter> = {
  sgtin: ([cp = '', item = '', serial = '']) =>
    withKey(gtin(cp, item), isCs82(serial, 20), `/01/$/21/${serial}`),
  sscc: ([cp = '', serialRef = '']) => {
    if (!splitKey(cp, serialRef, 17)) return undefined;
    const body = serialRef.slice(0, 1) + cp + serialRef.slice(1);
    return `${DL}/00/${body}${checkDigit(body)}`;
  },
  sgln: ([cp = '', location = '', extension = '']) =>
    withKey(
      key13(cp, location),
      isCs82(extension, 20),
      extension === '0' ? '/414/$' : `/414/$/254/${extension}`,
    ),
  grai: ([cp = '', asset = '', serial = '']) =>
    withKey(key13(cp, asset), isCs82(serial, 16), `/8003/0$${serial}`),
  giai: ([cp = '', asset = '']) =>
    /^\d{6,12}$/.test(cp) && isCs82(asset, 30 - cp.length) ? `${DL}/8004/${cp}${asset}` : undefined,
  gsrn: ([cp = '', service = '']) => withKey(key18(cp, service), true, '/8018/$'),
  gsrnp: ([cp = '', service = '']) => withKey(key18(cp, service), true, '/8017/$'),
  gdti: ([cp = '', type = '', serial = '']) =>
    withKey(key13(cp, type), serial === '' || isCs82(serial, 17), `/253/$${serial}`),
  cpi: ([cp = '', reference = '', serial = '']) =>
    /^\d{6,12}$/.test(cp) && isCpiReference(reference, 30 - cp.length) && /^\d{1,12}$/.test(serial)
      ? `${DL}/8010/${cp}${reference}/8011/${serial}`
      : undefined,
  sgcn: ([cp = '', coupon = '', serial = '']) =>
    withKey(key13(cp, coupon), /^\d{1,12}$/.test(serial), `/255/$${serial}`),
  ginc: ([cp = '', consignment = '']) =>
    /^\d{6,12}$/.test(cp) && isCs82(consignment, 30 - cp.length)
      ? `${DL}/401/${cp}${consignment}`
      : undefined,
  gsin: ([cp = '', shipper = '']) => {
    if (!splitKey(cp, shipper, 16)) return undefined;
    return `${DL}/402/${cp}${shipper}${checkDigit(cp + shipper)}`;
  },
  itip: ([cp = '', item = '', piece = '', total = '', serial = '']) =>
    withKey(
      gtin(cp, item),
      /^\d{2}$/.test(piece) && /^\d{2}$/.test(total) && isCs82(serial, 20),
      `/8006/$${piece}${total}/21/${serial}`,
    ),
  upui: ([cp = '', item = '', tpx = '']) => withKey(gtin(cp, item), isCs82(tpx, 28), `/01/$/235/${tpx}`),
  pgln: ([cp = '', party = '']) => withKey(key13(cp, party), true, '/417/$'),
};

/** EPC class URIs and EPC pattern URIs that name a whole class (`….*`). */
const EPC_CLASS: Record<string, EpcConverter> = {
  lgtin: ([cp = '', item = '', lot = '']) => withKey(gtin(cp, item), isCs82(lot, 20), `/01/$/10/${lot}`),
};
const EPC_PATTERN: Record<string, EpcConverter> = {
  sgtin: ([cp = '', item = '']) => withKey(gtin(cp, item), true, '/01/$'),
  upui: ([cp = '', item = '']) => withKey(gtin(cp, item), true, '/01/$'),
  grai: ([cp = '', asset = '']) => withKey(key13(cp, asset), true, '/8003/0$'),
  gdti: ([cp = '', type = '']) => withKey(key13(cp, type), true, '/253/$'),
  sgcn: ([cp = '', coupon = '']) => withKey(key13(cp, coupon), true, '/255/$'),
  cpi: ([cp = '', reference = '']) =>
    /^\d{6,12}$/.test(cp) && isCpiReference(reference, 30 - cp.length)
      ? `${DL}/8010/${cp}${reference}`
      : undefined,
  itip: ([cp = '', item = '', piece = '', total = '']) =>
    withKey(gtin(cp, item), /^\d{2}$/.test(piece) && /^\d{2}$/.test(total), `/8006/$${piece}${total}`),
};

/** Fills the key into a path template (`$`), when the key and the other parts are valid. */
function withKey(key: string | undefined, partsValid: boolean, template: string): string | undefined {
  if (key === undefined || !partsValid) return undefined;
  return DL + template.replace('$', key);
}

/** CPI component/part references: digits, upper-case letters and '-', plain or %-escaped, and escaped '#', '/'. */
function isCpiReference(text: string, max: number): boolean {
  return /^(?:[0-9A-Z-]|%(?:2[3DFdf]|3[0-9]|4[1-9A-Fa-f]|5[0-9Aa]))+$/.test(text) && countCs82(text) <= max;
}

/** Number of '.'-separated fields before the free-text last field, by URI kind and scheme. */
const FIXED_FIELDS: Record<string, number> = {
  sgtin: 2,
  sgln: 2,
  grai: 2,
  gdti: 2,
  cpi: 2,
  sgcn: 2,
  itip: 4,
  upui: 2,
  lgtin: 2,
};

/** An EPC URI (urn:epc:id / class / idpat) as a canonical Digital Link URI. */
export function epcToDigitalLink(uri: string): string | undefined {
  const match = /^urn:epc:(id|class|idpat):([a-z]+):(.+)$/.exec(uri);
  if (!match) return undefined;
  const [, kind = '', scheme = '', body = ''] = match;
  if (kind === 'idpat') {
    if (!body.endsWith('.*')) return undefined;
    return EPC_PATTERN[scheme]?.(body.slice(0, -2).split('.'));
  }
  const table = kind === 'id' ? EPC_ID : EPC_CLASS;
  const converter = table[scheme];
  return converter?.(splitFields(body, FIXED_FIELDS[scheme] ?? 1));
}

/** Splits off `fixed` dot-separated fields; the rest (which may itself contain dots) is the last field. */
function splitFields(body: string, fixed: number): string[] {
  const parts = body.split('.');
  return [...parts.slice(0, fixed), parts.slice(fixed).join('.')];
}

/** Primary key AIs of GS1 Digital Link, and the short names DL 1.0 allowed for them. */
const PRIMARY_KEY: Record<string, string> = {
  '00': '00',
  sscc: '00',
  '01': '01',
  gtin: '01',
  '253': '253',
  gdti: '253',
  '255': '255',
  gcn: '255',
  '401': '401',
  ginc: '401',
  '402': '402',
  gsin: '402',
  '414': '414',
  gln: '414',
  '417': '417',
  party: '417',
  '8003': '8003',
  grai: '8003',
  '8004': '8004',
  giai: '8004',
  '8006': '8006',
  itip: '8006',
  '8010': '8010',
  cpid: '8010',
  '8017': '8017',
  gsrnp: '8017',
  '8018': '8018',
  gsrn: '8018',
};
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
    (s, i) => PRIMARY_KEY[s] !== undefined && /^\d{4}/.test(segments[i + 1] ?? ''),
  );
  const ai = PRIMARY_KEY[segments[start] ?? ''];
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
    const qualifier = QUALIFIER_SHORT_NAME[name] ?? name;
    const value = rest[i + 1] ?? '';
    const index = allowed.indexOf(qualifier);
    if (index <= position || !QUALIFIER_FORMAT[qualifier]?.test(value)) return undefined;
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
