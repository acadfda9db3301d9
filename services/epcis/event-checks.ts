/**
 * Checks beyond the JSON schema, per event: how much work an event may cause (identifier counts)
 * and whether its GS1 identifiers are valid for their fields (identifiers.ts).
 */
import { ErrorCode } from '../common/index.js';
import { type IdentifierRole, identifierProblem } from './identifiers.js';
import type { ValidationError } from './types.js';

/**
 * Identifiers (EPCs, quantity elements, parentID) one event may name. Far above a real pallet or
 * shipment (a few thousand cases), far below the 100,000-EPC event that stalled a node for 13 s.
 */
export const MAX_EVENT_IDENTIFIERS = 5_000;
/** Identifiers one capture document may name in all its events together. */
export const MAX_DOCUMENT_IDENTIFIERS = 20_000;
/** Longest string (value or key) anywhere in a document; URIs have their own, lower limit. */
export const MAX_STRING_LENGTH = 16_384;

/** Stable codes of the limits, named in the field error. */
export const LimitRule = {
  EventIdentifiers: ErrorCode.TooManyIdentifiers,
  DocumentIdentifiers: ErrorCode.DocumentTooManyIdentifiers,
  StringLength: ErrorCode.StringTooLong,
} as const;

const INSTANCE_LISTS = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'] as const;
const QUANTITY_LISTS = [
  'quantityList',
  'childQuantityList',
  'inputQuantityList',
  'outputQuantityList',
] as const;

type Fields = Record<string, unknown>;
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** How many identifiers an event names, counted before any other work on it. */
export function identifierCount(event: unknown): number {
  if (typeof event !== 'object' || event === null) return 0;
  const fields = event as Fields;
  let count = fields.parentID === undefined ? 0 : 1;
  for (const name of INSTANCE_LISTS) count += listOf(fields[name]).length;
  for (const name of QUANTITY_LISTS) count += listOf(fields[name]).length;
  return count;
}

export function tooManyIdentifiers(pointer: string, count: number): ValidationError {
  return {
    field: pointer,
    code: LimitRule.EventIdentifiers,
    message: `names ${count} identifiers; an event may name at most ${MAX_EVENT_IDENTIFIERS}`,
  };
}

/**
 * Every GS1 identifier of a schema-valid event checked for its field: objects in the EPC lists
 * and parentID, classes in epcClass, any kind at locations, sources and destinations.
 */
export function identifierErrors(event: Fields, pointer: string, max: number): ValidationError[] {
  const errors: ValidationError[] = [];
  const check = (value: unknown, role: IdentifierRole, field: string) => {
    if (typeof value !== 'string' || errors.length >= max) return;
    const found = identifierProblem(value, role);
    if (found) errors.push({ field: `${pointer}/${field}`, code: found.code, message: found.message });
  };
  check(event.parentID, 'instance', 'parentID');
  for (const name of INSTANCE_LISTS) {
    for (const [i, epc] of listOf(event[name]).entries()) check(epc, 'instance', `${name}/${i}`);
  }
  for (const name of QUANTITY_LISTS) {
    for (const [i, q] of listOf(event[name]).entries()) {
      check((q as Fields).epcClass, 'class', `${name}/${i}/epcClass`);
    }
  }
  for (const name of ['readPoint', 'bizLocation'] as const) {
    check((event[name] as Fields | undefined)?.id, 'any', `${name}/id`);
  }
  for (const [i, s] of listOf(event.sourceList).entries()) {
    check((s as Fields).source, 'any', `sourceList/${i}/source`);
  }
  for (const [i, d] of listOf(event.destinationList).entries()) {
    check((d as Fields).destination, 'any', `destinationList/${i}/destination`);
  }
  return errors;
}

/**
 * The JSON pointer of the first string (value or key) longer than the limit, or undefined.
 * Recursive like json-depth.ts, whose check runs first and bounds the depth; the pointer is built
 * only on the way out of a find, so a large valid document costs no strings.
 */
export function tooLongString(value: unknown, max = MAX_STRING_LENGTH): string | undefined {
  const path = longString(value, max);
  if (path === undefined) return undefined;
  return path.length === 0 ? '/' : `/${path.reverse().map(escapePointer).join('/')}`;
}

function longString(value: unknown, max: number): string[] | undefined {
  if (typeof value === 'string') return value.length > max ? [] : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = longString(value[i], max);
      if (found) return found.concat(String(i));
    }
    return undefined;
  }
  for (const key in value) {
    if (key.length > max) return [key];
    const found = longString((value as Fields)[key], max);
    if (found) return found.concat(key);
  }
  return undefined;
}

const escapePointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
