import type { ErrorObject } from 'ajv/dist/2020.js';
import type { ValidationError } from './types.js';

/** Enough for a client to fix a document; a 10,000-event document must not produce a 10,000-line answer. */
export const MAX_ERRORS = 20;

/** Keywords whose failure only summarises failures of their subschemas, reported after them. */
const SUMMARY_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf', 'if']);
/** Keywords that fail because of a child field, which is what the client must be pointed at. */
const CHILD_KEYWORDS = new Set(['required', 'dependentRequired', 'additionalProperties']);

/**
 * Turns ajv's errors into refusal reasons. The first reason is the first real failure (not a
 * summary), its field a JSON Pointer to the offending field itself: a missing field is named,
 * not its parent object.
 */
export function toValidationErrors(errors: readonly ErrorObject[]): ValidationError[] {
  const out: ValidationError[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (SUMMARY_KEYWORDS.has(error.keyword)) continue;
    const explainedBy = describedSummary(error, errors);
    const field = fieldOf(error);
    const message = explainedBy?.parentSchema?.description ?? messageOf(error);
    // One reason per described rule: its branches failing one by one say the same thing.
    const key = explainedBy
      ? `${explainedBy.instancePath}#${explainedBy.schemaPath}`
      : `${field}\n${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field, message });
    if (out.length === MAX_ERRORS) break;
  }
  if (out.length === 0 && errors[0]) out.push({ field: fieldOf(errors[0]), message: messageOf(errors[0]) });
  return out;
}

/** The JSON Pointer of the field at fault: for a missing or unknown field, that field. */
function fieldOf(error: ErrorObject): string {
  if (!CHILD_KEYWORDS.has(error.keyword)) return error.instancePath;
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const child = params.missingProperty ?? params.additionalProperty;
  return child === undefined ? error.instancePath : `${error.instancePath}/${escapePointer(child)}`;
}

function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The innermost described `anyOf`/`oneOf` on the same data that this failure is a branch of. */
function describedSummary(error: ErrorObject, errors: readonly ErrorObject[]): ErrorObject | undefined {
  let best: ErrorObject | undefined;
  for (const candidate of errors) {
    if (candidate.keyword !== 'anyOf' && candidate.keyword !== 'oneOf') continue;
    if (!candidate.parentSchema?.description) continue;
    if (!error.schemaPath.startsWith(`${candidate.schemaPath}/`)) continue;
    if (!isWithin(error.instancePath, candidate.instancePath)) continue;
    if (!best || candidate.schemaPath.length > best.schemaPath.length) best = candidate;
  }
  return best;
}

const isWithin = (pointer: string, ancestor: string) =>
  pointer === ancestor || pointer.startsWith(`${ancestor}/`);

function messageOf(error: ErrorObject): string {
  const description = error.parentSchema?.description;
  if (description && !CHILD_KEYWORDS.has(error.keyword)) return description;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a field here; extension fields need a namespace prefix (prefix:name)';
    case 'dependentRequired': {
      const { property } = error.params as { property: string };
      return `is required when ${property} is given`;
    }
    case 'format': {
      const { format } = error.params as { format: string };
      return `must be ${format === 'uri' ? 'an absolute URI' : `a valid ${format}`}`;
    }
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    default:
      return error.message ?? 'is not valid';
  }
}
