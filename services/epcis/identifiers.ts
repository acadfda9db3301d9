/**
 * Identifier validation per the GS1 General Specifications (keys, check digits, AI character sets)
 * and the EPC Tag Data Standard (EPC URI schemes and their fields), for the identifiers an EPCIS
 * event names: EPC URIs (`urn:epc:id|class|idpat:…`) and GS1 Digital Link URIs.
 *
 * Hand-written, like epc-uri.ts beside it: npm's candidates do not fit. digital-link.js validates
 * Digital Link syntax through a grammar but answers only yes/no (no rule to report), knows no EPC
 * URIs and pulls in a parser generator; epc-tds encodes and decodes RFID tag binaries; the
 * check-digit packages cover one rule of many. What a client needs here is the rule that failed,
 * for both URI forms, and instance-versus-class by field, which is a small table per scheme.
 */
import { ErrorCode } from '../common/index.js';
import { checkDigit } from './epc-uri.js';

/** The rule an identifier breaks: a stable code, named in the field error. */
export const IdentifierRule = {
  SchemeUnknown: ErrorCode.IdentifierSchemeUnknown,
  Syntax: ErrorCode.IdentifierSyntax,
  Character: ErrorCode.IdentifierCharacter,
  Length: ErrorCode.IdentifierLength,
  CheckDigit: ErrorCode.IdentifierCheckDigit,
  InstanceRequired: ErrorCode.IdentifierInstanceRequired,
  ClassRequired: ErrorCode.IdentifierClassRequired,
} as const;
export type IdentifierRule = (typeof IdentifierRule)[keyof typeof IdentifierRule];

export interface IdentifierProblem {
  code: IdentifierRule;
  message: string;
}

/**
 * What a field demands: one object (epcList, parentID, …), a class of objects (epcClass), or any
 * identifier (readPoint, bizLocation, source, destination: checked, kind not enforced).
 */
export type IdentifierRole = 'instance' | 'class' | 'any';

const problem = (code: IdentifierRule, message: string): IdentifierProblem => ({ code, message });

// ---------------------------------------------------------------------------------------------
// Character sets

// GS1 AI encodable character set 82 (General Specifications 7.11, figure 7.11-1).
const CS82_CHARS = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;
// CPI component/part reference: character set 39.
const CS39_CHARS = /^[#\-/0-9A-Z]*$/;

/** A %-escaped value decoded, or undefined when an escape is malformed. */
function decodePercent(text: string): string | undefined {
  if (!text.includes('%')) return text;
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return undefined;
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** Problem with a free-text value (serial, lot, …) of `min`–`max` characters of a GS1 character set. */
function textProblem(
  what: string,
  raw: string,
  min: number,
  max: number,
  chars: RegExp = CS82_CHARS,
): IdentifierProblem | undefined {
  const text = decodePercent(raw);
  if (text === undefined || !chars.test(text)) {
    return problem(IdentifierRule.Character, `${what} has a character GS1 does not allow in it`);
  }
  if (text.length < min || text.length > max) {
    return problem(
      IdentifierRule.Length,
      `${what} must have ${range(min, max)} characters, not ${text.length}`,
    );
  }
  return undefined;
}

function digitsProblem(what: string, text: string, min: number, max: number): IdentifierProblem | undefined {
  if (!/^\d*$/.test(text)) return problem(IdentifierRule.Character, `${what} must be digits`);
  if (text.length < min || text.length > max) {
    return problem(IdentifierRule.Length, `${what} must have ${range(min, max)} digits, not ${text.length}`);
  }
  return undefined;
}

const range = (min: number, max: number) => (min === max ? String(min) : `${min} to ${max}`);

function checkDigitProblem(what: string, digits: string): IdentifierProblem | undefined {
  const expected = checkDigit(digits.slice(0, -1));
  if (digits.slice(-1) === expected) return undefined;
  return problem(
    IdentifierRule.CheckDigit,
    `${what} ${digits} has check digit ${digits.slice(-1)}, not ${expected}`,
  );
}

// ---------------------------------------------------------------------------------------------
// EPC URIs (Tag Data Standard 2.x, section 6)

/** One '.'-separated field of an EPC URI body. */
type EpcField =
  | { kind: 'companyPrefix' }
  /** Digits that with the company prefix make `total` digits (item reference, serial reference, …). */
  | { kind: 'reference'; name: string; total: number }
  | { kind: 'text'; name: string; min: number; max: number }
  /** Free text whose length adds up with the company prefix to at most `total`. */
  | { kind: 'rest'; name: string; total: number; chars?: RegExp }
  | { kind: 'digits'; name: string; min: number; max: number };

const cp: EpcField = { kind: 'companyPrefix' };
const reference = (name: string, total: number): EpcField => ({ kind: 'reference', name, total });
const text = (name: string, min: number, max: number): EpcField => ({ kind: 'text', name, min, max });
const rest = (name: string, total: number, chars?: RegExp): EpcField =>
  chars ? { kind: 'rest', name, total, chars } : { kind: 'rest', name, total };
const digits = (name: string, min: number, max: number): EpcField => ({ kind: 'digits', name, min, max });

/** GS1 key schemes: urn:epc:id:<scheme>:<fields>, the last field free text that may hold dots. */
const EPC_ID_SCHEMES: Record<string, EpcField[]> = {
  sgtin: [cp, reference('item reference', 13), text('serial', 1, 20)],
  sscc: [cp, reference('serial reference', 17)],
  sgln: [cp, reference('location reference', 12), text('extension', 1, 20)],
  grai: [cp, reference('asset type', 12), text('serial', 1, 16)],
  giai: [cp, rest('individual asset reference', 30)],
  gsrn: [cp, reference('service reference', 17)],
  gsrnp: [cp, reference('service reference', 17)],
  gdti: [cp, reference('document type', 12), text('serial', 0, 17)],
  cpi: [cp, rest('component/part reference', 30, CS39_CHARS), digits('serial', 1, 12)],
  sgcn: [cp, reference('coupon reference', 12), digits('serial', 1, 12)],
  ginc: [cp, rest('consignment reference', 30)],
  gsin: [cp, reference('shipper reference', 16)],
  itip: [
    cp,
    reference('item reference', 13),
    digits('piece', 2, 2),
    digits('total', 2, 2),
    text('serial', 1, 20),
  ],
  upui: [cp, reference('item reference', 13), text('third party controlled extension', 1, 28)],
  pgln: [cp, reference('party reference', 12)],
};
const EPC_CLASS_SCHEMES: Record<string, EpcField[]> = {
  lgtin: [cp, reference('item reference', 13), text('lot', 1, 20)],
};
/** Non-GS1 schemes of the Tag Data Standard: whole-body syntax only. */
const OTHER_EPC_ID_SCHEMES: Record<string, RegExp> = {
  gid: /^\d{1,9}\.\d{1,8}\.\d{1,11}$/,
  usdod: /^[0-9A-Z]{5,6}\.\d{1,11}$/,
  adi: /^[0-9A-Z]{5,6}\.[0-9A-Z/-]{0,32}\.#?[0-9A-Z/-]{1,30}$/,
  bic: /^[A-Z]{3}[UJZ]\d{7}$/,
  imovn: /^\d{7}$/,
};

const own = <T>(table: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

/** Splits an EPC body into the scheme's fields; the last one keeps any further dots. */
function splitEpcBody(body: string, count: number): string[] | undefined {
  const parts = body.split('.');
  if (parts.length < count) return undefined;
  return [...parts.slice(0, count - 1), parts.slice(count - 1).join('.')];
}

function epcFieldProblem(
  field: EpcField,
  value: string,
  companyPrefix: string,
): IdentifierProblem | undefined {
  switch (field.kind) {
    case 'companyPrefix':
      if (!/^\d*$/.test(value)) return problem(IdentifierRule.Character, 'the company prefix must be digits');
      return digitsProblem('the company prefix', value, 6, 12);
    case 'reference': {
      if (!/^\d*$/.test(value)) return problem(IdentifierRule.Character, `the ${field.name} must be digits`);
      if (companyPrefix.length + value.length === field.total) return undefined;
      return problem(
        IdentifierRule.Length,
        `the company prefix and ${field.name} must have ${field.total} digits together, not ${companyPrefix.length + value.length}`,
      );
    }
    case 'text':
      return textProblem(`the ${field.name}`, value, field.min, field.max);
    case 'rest':
      return textProblem(`the ${field.name}`, value, 1, field.total - companyPrefix.length, field.chars);
    case 'digits':
      return digitsProblem(`the ${field.name}`, value, field.min, field.max);
  }
}

function epcFieldsProblem(
  fields: EpcField[],
  values: string[],
  wildcards: boolean,
): IdentifierProblem | undefined {
  const companyPrefix = values[0] ?? '';
  let wild = false;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as EpcField;
    const value = values[i] ?? '';
    if (wildcards && value === '*') {
      wild = true;
      continue;
    }
    if (wild) return problem(IdentifierRule.Syntax, 'only the last fields of an EPC pattern may be *');
    const found = epcFieldProblem(field, value, companyPrefix);
    if (found) return found;
  }
  return undefined;
}

function epcProblem(uri: string, role: IdentifierRole): IdentifierProblem | undefined {
  const match = /^urn:epc:(id|class|idpat):([a-z]+):(.*)$/.exec(uri);
  if (!match) {
    return problem(
      IdentifierRule.Syntax,
      'is not an EPC URI (urn:epc:id:…, urn:epc:class:… or urn:epc:idpat:…)',
    );
  }
  const [, kind = '', scheme = '', body = ''] = match;
  if (kind === 'id' && own(OTHER_EPC_ID_SCHEMES, scheme)) {
    if (role === 'class') return classRequired();
    const syntax = own(OTHER_EPC_ID_SCHEMES, scheme) as RegExp;
    return syntax.test(body) ? undefined : problem(IdentifierRule.Syntax, `is not a valid ${scheme} EPC`);
  }
  const fields = own(kind === 'class' ? EPC_CLASS_SCHEMES : EPC_ID_SCHEMES, scheme);
  if (!fields) {
    return problem(
      IdentifierRule.SchemeUnknown,
      `urn:epc:${kind}:${scheme} is not a Tag Data Standard scheme`,
    );
  }
  if (kind === 'id' && role === 'class') return classRequired();
  // Only patterns: GS1's own event-hash test documents list class identifiers (lgtin, a GTIN
  // alone) in epcList, and the hash gives them a meaning there, so those stay accepted.
  if (kind === 'idpat' && role === 'instance') return instanceRequired();
  const values = kind === 'idpat' ? body.split('.') : splitEpcBody(body, fields.length);
  if (!values || values.length !== fields.length) {
    return problem(
      IdentifierRule.Syntax,
      `a ${scheme} EPC ${kind === 'idpat' ? 'pattern ' : ''}has ${fields.length} '.'-separated fields`,
    );
  }
  return epcFieldsProblem(fields, values, kind === 'idpat');
}

const instanceRequired = () =>
  problem(IdentifierRule.InstanceRequired, 'must identify objects, not a pattern (urn:epc:idpat:…)');
const classRequired = () =>
  problem(
    IdentifierRule.ClassRequired,
    'must identify a class of objects (e.g. a GTIN with a lot), not one object',
  );

// ---------------------------------------------------------------------------------------------
// GS1 Digital Link URIs (GS1 Digital Link URI syntax 1.x)

/** How a primary key's value is built, and whether it names one object without a qualifier. */
interface PrimaryKey {
  name: string;
  /** `checkDigits`: whether the check digit must be right (see digitalLinkProblem). */
  check: (value: string, checkDigits: boolean) => IdentifierProblem | undefined;
  /** Qualifiers it may have, in URI order. */
  qualifiers: string[];
  /** One object by itself (SSCC, GLN, …), one object only with a serial (GTIN), or a serial inside the value. */
  instance: 'always' | 'serialQualifier' | 'valueSerial';
}

/** A key of fixed digits ending in a check digit, optionally followed by free text (`extra`). */
function numericKey(name: string, length: number, extra?: { min: number; max: number; numeric?: boolean }) {
  return (value: string, checkDigits: boolean): IdentifierProblem | undefined => {
    const head = value.slice(0, length);
    const found = digitsProblem(`the ${name}`, head, length, length);
    if (found) return found;
    if (!extra && value.length > length) {
      return problem(IdentifierRule.Length, `the ${name} must have ${length} digits, not ${value.length}`);
    }
    const tail = value.slice(length);
    if (extra && tail !== '') {
      const bad = extra.numeric
        ? digitsProblem(`the ${name} serial`, tail, extra.min, extra.max)
        : textProblem(`the ${name} serial`, tail, extra.min, extra.max);
      if (bad) return bad;
    }
    return checkDigits ? checkDigitProblem(`the ${name}`, head) : undefined;
  };
}

const PRIMARY_KEYS: Record<string, PrimaryKey> = {
  '00': { name: 'SSCC', check: numericKey('SSCC', 18), qualifiers: [], instance: 'always' },
  '01': {
    name: 'GTIN',
    check: numericKey('GTIN', 14),
    qualifiers: ['22', '10', '21', '235'],
    instance: 'serialQualifier',
  },
  '253': {
    name: 'GDTI',
    check: numericKey('GDTI', 13, { min: 1, max: 17 }),
    qualifiers: [],
    instance: 'valueSerial',
  },
  '255': {
    name: 'GCN',
    check: numericKey('GCN', 13, { min: 1, max: 12, numeric: true }),
    qualifiers: [],
    instance: 'valueSerial',
  },
  '401': {
    name: 'GINC',
    check: (v) => textProblem('the GINC', v, 1, 30),
    qualifiers: [],
    instance: 'always',
  },
  '402': { name: 'GSIN', check: numericKey('GSIN', 17), qualifiers: [], instance: 'always' },
  '414': { name: 'GLN', check: numericKey('GLN', 13), qualifiers: ['254', '7040'], instance: 'always' },
  '417': { name: 'party GLN', check: numericKey('party GLN', 13), qualifiers: ['7040'], instance: 'always' },
  '8003': {
    name: 'GRAI',
    check: (v, checkDigits) =>
      v.startsWith('0')
        ? numericKey('GRAI', 13, { min: 1, max: 16 })(v.slice(1), checkDigits)
        : problem(IdentifierRule.Syntax, 'a GRAI in a Digital Link URI starts with 0'),
    qualifiers: [],
    instance: 'valueSerial',
  },
  '8004': {
    name: 'GIAI',
    check: (v) => textProblem('the GIAI', v, 1, 30),
    qualifiers: ['7040'],
    instance: 'always',
  },
  '8006': {
    name: 'ITIP',
    check: (v, checkDigits) =>
      digitsProblem('the ITIP', v, 18, 18) ??
      (checkDigits ? checkDigitProblem('the GTIN of the ITIP', v.slice(0, 14)) : undefined),
    qualifiers: ['22', '10', '21'],
    instance: 'serialQualifier',
  },
  '8010': {
    name: 'CPID',
    check: (v) => textProblem('the CPID', v, 1, 30, CS39_CHARS),
    qualifiers: ['8011'],
    instance: 'serialQualifier',
  },
  '8017': { name: 'GSRN-P', check: numericKey('GSRN-P', 18), qualifiers: ['8019'], instance: 'always' },
  '8018': { name: 'GSRN', check: numericKey('GSRN', 18), qualifiers: ['8019'], instance: 'always' },
};
// biome-ignore format: a table reads better packed
const PRIMARY_SHORT_NAMES: Record<string, string> = {
  sscc: '00', gtin: '01', gdti: '253', gcn: '255', ginc: '401', gsin: '402', gln: '414', party: '417',
  grai: '8003', giai: '8004', itip: '8006', cpid: '8010', gsrnp: '8017', gsrn: '8018',
};
const QUALIFIER_SHORT_NAMES: Record<string, string> = { cpv: '22', lot: '10', ser: '21' };
/** Serial-like qualifiers: one object once given. */
const SERIAL_QUALIFIERS = new Set(['21', '235', '8011']);
const QUALIFIER_CHECK: Record<string, (value: string) => IdentifierProblem | undefined> = {
  '22': (v) => textProblem('the consumer product variant', v, 1, 20),
  '10': (v) => textProblem('the lot', v, 1, 20),
  '21': (v) => textProblem('the serial', v, 1, 20),
  '235': (v) => textProblem('the third party controlled extension', v, 1, 28),
  '254': (v) => textProblem('the GLN extension', v, 1, 20),
  '7040': (v) => textProblem('the UIC with extension', v, 4, 4),
  '8011': (v) => digitsProblem('the CPID serial', v, 1, 12),
  '8019': (v) => digitsProblem('the service relation instance', v, 1, 10),
};

const primaryAi = (segment: string) =>
  own(PRIMARY_KEYS, segment) ? segment : own(PRIMARY_SHORT_NAMES, segment);

const GS1_RESOLVER = /^id\.gs1\.org$/i;

/** Host and path of an http(s) URI, when it has them. */
function httpParts(uri: string): { host: string; path: string; fragment: boolean } | undefined {
  const match = /^https?:\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/i.exec(uri);
  if (!match) return undefined;
  return { host: match[1] ?? '', path: match[2] ?? '', fragment: match[4] !== undefined };
}

/** Index of the primary key segment in a path's segments, when the URI reads as a Digital Link. */
function primaryKeyIndex(segments: string[], onResolver: boolean): number {
  if (onResolver) return primaryAi(segments[0] ?? '') === undefined ? -1 : 0;
  // Elsewhere a path is a Digital Link when a primary key AI is followed by a value that starts
  // like one (a company prefix), the same test canonicalDigitalLink makes for the event hash.
  return segments.findIndex((s, i) => primaryAi(s) !== undefined && /^\d{4}/.test(segments[i + 1] ?? ''));
}

function digitalLinkProblem(uri: string, role: IdentifierRole): IdentifierProblem | undefined {
  const parts = httpParts(uri);
  if (!parts) return undefined;
  const onResolver = GS1_RESOLVER.test(parts.host);
  const segments = parts.path.split('/').slice(1);
  const start = primaryKeyIndex(segments, onResolver);
  if (start < 0) {
    if (!onResolver) return undefined;
    return problem(
      IdentifierRule.Syntax,
      'an id.gs1.org URI must start with a GS1 primary key AI, e.g. /01/',
    );
  }
  if (parts.fragment) return problem(IdentifierRule.Syntax, 'a GS1 Digital Link URI has no fragment (#…)');
  const ai = primaryAi(segments[start] ?? '') as string;
  const key = PRIMARY_KEYS[ai] as PrimaryKey;
  const value = segments[start + 1] ?? '';
  // Check digits are enforced on GS1's resolver domain (and in bizLocation/readPoint GLNs there).
  // On a brand's own domain the URI is a Digital Link by its path alone, and GS1's own example
  // documents carry such URIs with wrong check digits (Combination_of_different_event.json:
  // https://id.example.com/8003/030013450007718765), so there only the structure is enforced.
  const keyProblem = key.check(value, onResolver);
  if (keyProblem) return keyProblem;
  const qualifiers = segments.slice(start + 2);
  if (qualifiers.length % 2 !== 0) {
    return problem(IdentifierRule.Syntax, 'a Digital Link key qualifier needs a value: /<AI>/<value>');
  }
  let position = -1;
  let serial = key.instance === 'always' || (key.instance === 'valueSerial' && hasValueSerial(ai, value));
  for (let i = 0; i < qualifiers.length; i += 2) {
    const name = qualifiers[i] ?? '';
    const qualifier = own(QUALIFIER_SHORT_NAMES, name) ?? name;
    const index = key.qualifiers.indexOf(qualifier);
    if (index < 0) {
      return problem(
        IdentifierRule.Syntax,
        `AI ${name} is not a key qualifier of the ${key.name} (AI ${ai})`,
      );
    }
    if (index <= position) {
      return problem(IdentifierRule.Syntax, `the key qualifiers of the ${key.name} are out of order`);
    }
    position = index;
    const found = own(QUALIFIER_CHECK, qualifier)?.(qualifiers[i + 1] ?? '');
    if (found) return found;
    if (SERIAL_QUALIFIERS.has(qualifier)) serial = true;
  }
  if (role === 'class' && serial) return classRequired();
  return undefined;
}

/** GDTI, GCN and GRAI carry their serial inside the key value, after the fixed digits. */
function hasValueSerial(ai: string, value: string): boolean {
  return value.length > (ai === '8003' ? 14 : 13);
}

// ---------------------------------------------------------------------------------------------

/**
 * What is wrong with `uri` as a GS1 identifier in a field of `role`, or undefined when nothing is
 * (including every URI that is neither an EPC URI nor a GS1 Digital Link URI: EPCIS allows any).
 */
export function identifierProblem(uri: string, role: IdentifierRole): IdentifierProblem | undefined {
  if (uri.startsWith('urn:epc:')) return epcProblem(uri, role);
  if (/^https?:/i.test(uri)) return digitalLinkProblem(uri, role);
  return undefined;
}
