import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { tooDeep, tooDeepError } from '../common/index.js';
import { captureDocumentSchema } from './document-schema.js';
import { toValidationErrors } from './schema-errors.js';
import type { EpcisDocument, EpcisEvent, ValidationResult } from './types.js';

/** Largest capture accepted by default: bounds the work one request can cause. */
export const DEFAULT_MAX_EVENTS = 10_000;

// Compiled once per process. allErrors stays off: validation stops at the first failing keyword,
// which keeps a hostile document cheap and the first reported field the real culprit. Strict
// except strictRequired: cross-field rules in an event's allOf require fields declared by the
// event's own `properties`, which that check cannot see from inside allOf. verbose gives errors
// their schema, whose description becomes the message.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false, verbose: true });
addFormats.default(ajv, ['date-time', 'uri']);
const validateDocument = ajv.compile(captureDocumentSchema);

/**
 * Checks an EPCIS 2.0 capture document; on success returns it with its events. Documents with
 * more than `maxEvents` events are refused.
 */
export function validateCaptureDocument(doc: unknown, maxEvents = DEFAULT_MAX_EVENTS): ValidationResult {
  // Counted before schema validation so that an oversized document costs almost nothing.
  const count = eventCount(doc);
  if (count > maxEvents) {
    return {
      ok: false,
      errors: [
        { field: '/epcisBody/eventList', message: `has ${count} events; at most ${maxEvents} are accepted` },
      ],
    };
  }
  // Before Ajv, which recurses: a stack overflow would be a crash, and a different one per machine.
  const deep = tooDeep(doc);
  if (deep !== undefined) return { ok: false, errors: [tooDeepError(deep)] };
  if (!validateDocument(doc)) return { ok: false, errors: toValidationErrors(validateDocument.errors ?? []) };
  const document = doc as EpcisDocument;
  return { ok: true, document, events: document.epcisBody.eventList as EpcisEvent[] };
}

function eventCount(doc: unknown): number {
  const body = (doc as { epcisBody?: { eventList?: unknown } } | null)?.epcisBody;
  return Array.isArray(body?.eventList) ? body.eventList.length : 0;
}
