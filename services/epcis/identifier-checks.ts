/** The rules and small checks shared by the EPC URI and Digital Link validators (identifiers.ts). */
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

export const problem = (code: IdentifierRule, message: string): IdentifierProblem => ({ code, message });

// ---------------------------------------------------------------------------------------------
// Character sets

// GS1 AI encodable character set 82 (General Specifications 7.11, figure 7.11-1).
export const CS82_CHARS = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;
// CPI component/part reference: character set 39.
export const CS39_CHARS = /^[#\-/0-9A-Z]*$/;

/** A %-escaped value decoded, or undefined when an escape is malformed. */
export function decodePercent(text: string): string | undefined {
  if (!text.includes('%')) return text;
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return undefined;
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** Problem with a free-text value (serial, lot, …) of `min`–`max` characters of a GS1 character set. */
export function textProblem(
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

export function digitsProblem(
  what: string,
  text: string,
  min: number,
  max: number,
): IdentifierProblem | undefined {
  if (!/^\d*$/.test(text)) return problem(IdentifierRule.Character, `${what} must be digits`);
  if (text.length < min || text.length > max) {
    return problem(IdentifierRule.Length, `${what} must have ${range(min, max)} digits, not ${text.length}`);
  }
  return undefined;
}

export const range = (min: number, max: number) => (min === max ? String(min) : `${min} to ${max}`);

export function checkDigitProblem(what: string, digits: string): IdentifierProblem | undefined {
  const expected = checkDigit(digits.slice(0, -1));
  if (digits.slice(-1) === expected) return undefined;
  return problem(
    IdentifierRule.CheckDigit,
    `${what} ${digits} has check digit ${digits.slice(-1)}, not ${expected}`,
  );
}

export const instanceRequired = () =>
  problem(IdentifierRule.InstanceRequired, 'must identify objects, not a pattern (urn:epc:idpat:…)');
export const classRequired = () =>
  problem(
    IdentifierRule.ClassRequired,
    'must identify a class of objects (e.g. a GTIN with a lot), not one object',
  );

/** An own property of a lookup table (never one inherited from Object.prototype). */
export const own = <T>(table: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;
