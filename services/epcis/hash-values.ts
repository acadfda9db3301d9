/**
 * Canonical forms of single values in the CBV 2.0 event hash pre-hash string: timestamps in UTC at
 * millisecond precision, numbers without redundant digits, EPCIS 1.x CBV URNs as CBV 2.0 web URIs
 * and GS1 identifiers as canonical Digital Link URIs. Where the standard leaves a detail open, the
 * reference implementation (RalphTro/epcis-event-hash-generator, Python) decides, because event
 * IDs must agree with other EPCIS systems bit for bit.
 */
import { canonicalGs1Identifier } from './gs1-digital-link.js';

const CBV_URN_TO_WEB: ReadonlyArray<readonly [string, string]> = [
  ['urn:epcglobal:cbv:bizstep:', 'https://ref.gs1.org/cbv/BizStep-'],
  ['urn:epcglobal:cbv:disp:', 'https://ref.gs1.org/cbv/Disp-'],
  ['urn:epcglobal:cbv:btt:', 'https://ref.gs1.org/cbv/BTT-'],
  ['urn:epcglobal:cbv:sdt:', 'https://ref.gs1.org/cbv/SDT-'],
  ['urn:epcglobal:cbv:er:', 'https://ref.gs1.org/cbv/ER-'],
];

/** Any value: CBV URNs modernised, then a number or a GS1 identifier made canonical. */
export function canonicalValue(text: string): string {
  let value = text;
  for (const [urn, web] of CBV_URN_TO_WEB) value = value.replaceAll(urn, web);
  return canonicalNumber(value) ?? canonicalGs1Identifier(value) ?? value;
}

// A decimal number as Python's decimal.Decimal reads it (the reference canonicalises numbers
// with it, numeric-looking strings included): sign, digits with an optional point, exponent.
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const MAX_EXPONENT = 1000;

/**
 * A numeric string in canonical form, or undefined when it is no number. Integral values become
 * plain integers ("25.0" → "25"), others lose trailing zeros ("12.70" → "12.7") and any exponent.
 * Hand-written because the rule is the reference's (Python Decimal), which no JS library mirrors;
 * that includes its quirk of keeping a positive exponent on integers ("1E+3").
 */
export function canonicalNumber(text: string): string | undefined {
  const match = DECIMAL.exec(text);
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match ?? [];
  if (!match || whole + fraction === '') return undefined;
  const exponent = Number(exponentText) - fraction.length;
  // Expanding "1e-999999999" would build a gigabyte string: such a value is kept as text.
  if (Math.abs(exponent) > MAX_EXPONENT) return undefined;
  const minus = sign === '-' ? '-' : '';
  const coefficient = stripLeadingZeros(whole + fraction); // value = coefficient × 10^exponent
  if (exponent > 0) return minus + scientific(coefficient, exponent);
  const point = coefficient.length + exponent; // digits before the decimal point
  const intPart = point > 0 ? coefficient.slice(0, point) : '0';
  const fracPart = (point >= 0 ? coefficient.slice(point) : '0'.repeat(-point) + coefficient).replace(
    /0+$/,
    '',
  );
  return minus + stripLeadingZeros(intPart) + (fracPart ? `.${fracPart}` : '');
}

function stripLeadingZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** Python's str(Decimal) of an integral value with a positive exponent: "1E+3", "1.2E+4". */
function scientific(coefficient: string, exponent: number): string {
  const mantissa = coefficient.length > 1 ? `${coefficient[0]}.${coefficient.slice(1)}` : coefficient;
  return `${mantissa}E+${exponent + coefficient.length - 1}`;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|z|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * A date-time with offset as UTC at millisecond precision ("2020-04-01T14:00:00.000Z"); extra
 * fraction digits round half up. Undefined when `text` is not such a date-time (the reference
 * then hashes the text as given). Hand-written because Date parsing drops sub-millisecond digits
 * before we could round them.
 */
export function canonicalTimestamp(text: string): string | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map(Number);
  const [fraction = '', zone = ''] = match.slice(7);
  const local = utcMillis(year, month, day, hour, minute, second);
  if (local === undefined) return undefined;
  // Microsecond precision, then half up to milliseconds, as Python's datetime in the reference.
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6));
  const millis = Math.floor(micros / 1000) + (micros % 1000 >= 500 ? 1 : 0);
  return new Date(local - offsetMinutes(zone) * 60_000 + millis).toISOString();
}

/** Milliseconds since the epoch of a UTC wall-clock time, or undefined for an impossible one. */
function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number) {
  // Python's datetime (the reference) knows neither year 0 nor leap seconds.
  if (year < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, keeps years 0-99 as written
  date.setUTCHours(hour, minute, second, 0);
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? date.getTime() : undefined;
}

function offsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return zone.startsWith('-') ? -minutes : minutes;
}

/**
 * Orders strings by Unicode code point, as Python (the reference) does; JavaScript's default
 * compares UTF-16 units, which differs only when a surrogate pair meets a unit from U+E000 up.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A surrogate unit starts a code point above U+FFFF, so it ranks above every other unit. */
const codePointRank = (unit: number) => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit);
