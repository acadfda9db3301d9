/**
 * EPC URIs of the GS1 Tag Data Standard (pure identity `urn:epc:id:…`, class `urn:epc:class:…`
 * and pattern `urn:epc:idpat:…`) as the GS1 Digital Link URIs the CBV 2.0 event hash uses.
 * Written by hand: no JavaScript library implements this mapping, and the hash needs exactly the
 * reference implementation's results (RalphTro/epcis-event-hash-generator).
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
const cs82Patterns = new Map<number, RegExp>();
function isCs82(text: string, max: number): boolean {
  const pattern = cs82Patterns.get(max) ?? new RegExp(`^${CS82}{1,${max}}$`);
  cs82Patterns.set(max, pattern);
  return pattern.test(text);
}
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

/** Table lookup by a key taken from input, which must never reach Object.prototype ("constructor"). */
const own = <T>(table: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

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
    return own(EPC_PATTERN, scheme)?.(body.slice(0, -2).split('.'));
  }
  const converter = own(kind === 'id' ? EPC_ID : EPC_CLASS, scheme);
  return converter?.(splitFields(body, own(FIXED_FIELDS, scheme) ?? 1));
}

/** Splits off `fixed` dot-separated fields; the rest (which may itself contain dots) is the last field. */
function splitFields(body: string, fixed: number): string[] {
  const parts = body.split('.');
  return [...parts.slice(0, fixed), parts.slice(fixed).join('.')];
}
