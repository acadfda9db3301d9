import {
  CS39_CHARS,
  checkDigitProblem,
  classRequired,
  digitsProblem,
  type IdentifierProblem,
  type IdentifierRole,
  IdentifierRule,
  own,
  problem,
  textProblem,
} from './identifier-checks.js';

// ---------------------------------------------------------------------------------------------
// GS1 Digital Link URIs (GS1 Digital Link URI syntax 1.x)

/** How a primary key's value is built, and whether it names one object without a qualifier. */
export interface PrimaryKey {
  name: string;
  /** `checkDigits`: whether the check digit must be right (see digitalLinkProblem). */
  check: (value: string, checkDigits: boolean) => IdentifierProblem | undefined;
  /** Qualifiers it may have, in URI order. */
  qualifiers: string[];
  /** One object by itself (SSCC, GLN, …), one object only with a serial (GTIN), or a serial inside the value. */
  instance: 'always' | 'serialQualifier' | 'valueSerial';
}

/** A key of fixed digits ending in a check digit, optionally followed by free text (`extra`). */
export function numericKey(
  name: string,
  length: number,
  extra?: { min: number; max: number; numeric?: boolean },
) {
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

export const PRIMARY_KEYS: Record<string, PrimaryKey> = {
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
export const PRIMARY_SHORT_NAMES: Record<string, string> = {
  sscc: '00', gtin: '01', gdti: '253', gcn: '255', ginc: '401', gsin: '402', gln: '414', party: '417',
  grai: '8003', giai: '8004', itip: '8006', cpid: '8010', gsrnp: '8017', gsrn: '8018',
};
export const QUALIFIER_SHORT_NAMES: Record<string, string> = { cpv: '22', lot: '10', ser: '21' };
/** Serial-like qualifiers: one object once given. */
export const SERIAL_QUALIFIERS = new Set(['21', '235', '8011']);
export const QUALIFIER_CHECK: Record<string, (value: string) => IdentifierProblem | undefined> = {
  '22': (v) => textProblem('the consumer product variant', v, 1, 20),
  '10': (v) => textProblem('the lot', v, 1, 20),
  '21': (v) => textProblem('the serial', v, 1, 20),
  '235': (v) => textProblem('the third party controlled extension', v, 1, 28),
  '254': (v) => textProblem('the GLN extension', v, 1, 20),
  '7040': (v) => textProblem('the UIC with extension', v, 4, 4),
  '8011': (v) => digitsProblem('the CPID serial', v, 1, 12),
  '8019': (v) => digitsProblem('the service relation instance', v, 1, 10),
};

export const primaryAi = (segment: string) =>
  own(PRIMARY_KEYS, segment) ? segment : own(PRIMARY_SHORT_NAMES, segment);

export const GS1_RESOLVER = /^id\.gs1\.org$/i;

/** Host and path of an http(s) URI, when it has them. */
export function httpParts(uri: string): { host: string; path: string; fragment: boolean } | undefined {
  const match = /^https?:\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/i.exec(uri);
  if (!match) return undefined;
  return { host: match[1] ?? '', path: match[2] ?? '', fragment: match[4] !== undefined };
}

/** Index of the primary key segment in a path's segments, when the URI reads as a Digital Link. */
export function primaryKeyIndex(segments: string[], onResolver: boolean): number {
  if (onResolver) return primaryAi(segments[0] ?? '') === undefined ? -1 : 0;
  // Elsewhere a path is a Digital Link when a primary key AI is followed by a value that starts
  // like one (a company prefix), the same test canonicalDigitalLink makes for the event hash.
  return segments.findIndex((s, i) => primaryAi(s) !== undefined && /^\d{4}/.test(segments[i + 1] ?? ''));
}

export function digitalLinkProblem(uri: string, role: IdentifierRole): IdentifierProblem | undefined {
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
export function hasValueSerial(ai: string, value: string): boolean {
  return value.length > (ai === '8003' ? 14 : 13);
}
