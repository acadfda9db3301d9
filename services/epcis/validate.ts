import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { tooDeep, tooDeepError } from '../common/index.js';
import { captureDocumentSchema } from './document-schema.js';
import {
  identifierCount,
  identifierErrors,
  LimitRule,
  MAX_DOCUMENT_IDENTIFIERS,
  MAX_EVENT_IDENTIFIERS,
  MAX_STRING_LENGTH,
  tooLongString,
  tooManyIdentifiers,
} from './event-checks.js';
import { eventListItem } from './event-schemas.js';
import { MAX_ERRORS, toValidationErrors } from './schema-errors.js';
import type {
  EpcisDocument,
  EpcisEvent,
  EventsCheck,
  InvalidEvent,
  ValidationError,
  ValidationResult,
} from './types.js';

/** Largest capture accepted by default: bounds the work one request can cause. */
export const DEFAULT_MAX_EVENTS = 10_000;

// Compiled once per process. allErrors stays off: validation stops at the first failing keyword,
// which keeps a hostile document cheap and the first reported field the real culprit. Strict
// except strictRequired: cross-field rules in an event's allOf require fields declared by the
// event's own `properties`, which that check cannot see from inside allOf. verbose gives errors
// their schema, whose description becomes the message.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false, verbose: true });
addFormats.default(ajv, ['date-time', 'uri']);
// The document without its events, and one event: checked apart so that each event gets its own
// verdict (GS1-Capture-Error-Behaviour: proceed keeps the valid ones).
const { epcisBody } = captureDocumentSchema.properties;
const validateOutline = ajv.compile({
  ...captureDocumentSchema,
  properties: {
    ...captureDocumentSchema.properties,
    epcisBody: { ...epcisBody, properties: { eventList: { type: 'array', minItems: 1 } } },
  },
});
const validateEvent = ajv.compile({
  $schema: captureDocumentSchema.$schema,
  ...eventListItem,
  $defs: captureDocumentSchema.$defs,
});

/**
 * Checks an EPCIS 2.0 capture document; on success returns it with its events. Documents with
 * more than `maxEvents` events are refused, and so is a document with any invalid event.
 */
export function validateCaptureDocument(doc: unknown, maxEvents = DEFAULT_MAX_EVENTS): ValidationResult {
  const checked = checkCaptureEvents(doc, maxEvents);
  if (!checked.ok) return checked;
  if (checked.invalid.length > 0) return { ok: false, errors: flatten(checked.invalid) };
  return { ok: true, document: checked.document, events: checked.document.epcisBody.eventList };
}

/**
 * Checks a capture document event by event: the document as a whole (outline, size, nesting,
 * string lengths, identifier total) and then each event (schema, identifier count, identifiers).
 * Refused as a whole when the document fails or no event is valid.
 */
export function checkCaptureEvents(doc: unknown, maxEvents = DEFAULT_MAX_EVENTS): EventsCheck {
  const refused = documentProblem(doc, maxEvents);
  if (refused) return { ok: false, errors: [refused] };
  if (!validateOutline(doc)) return { ok: false, errors: toValidationErrors(validateOutline.errors ?? []) };
  const document = doc as EpcisDocument;
  const events = document.epcisBody.eventList as unknown[];
  const valid: EpcisEvent[] = [];
  const invalid: InvalidEvent[] = [];
  events.forEach((event, index) => {
    const errors = eventErrors(event, `/epcisBody/eventList/${index}`);
    if (errors.length === 0) valid.push(event as EpcisEvent);
    else invalid.push({ index, errors });
  });
  if (valid.length === 0) return { ok: false, errors: flatten(invalid) };
  return { ok: true, document, valid, invalid };
}

/** Reasons to refuse the document before looking at any event: each check is cheap and bounds the next. */
function documentProblem(doc: unknown, maxEvents: number): ValidationError | undefined {
  // Counted before schema validation so that an oversized document costs almost nothing.
  const events = eventsOf(doc);
  if (events.length > maxEvents) {
    return {
      field: '/epcisBody/eventList',
      message: `has ${events.length} events; at most ${maxEvents} are accepted`,
    };
  }
  let total = 0;
  for (const event of events) total += identifierCount(event);
  if (total > MAX_DOCUMENT_IDENTIFIERS) {
    return {
      field: '/epcisBody/eventList',
      code: LimitRule.DocumentIdentifiers,
      message: `names ${total} identifiers in all; a document may name at most ${MAX_DOCUMENT_IDENTIFIERS}`,
    };
  }
  // Before Ajv, which recurses: a stack overflow would be a crash, and a different one per machine.
  const deep = tooDeep(doc);
  if (deep !== undefined) return tooDeepError(deep);
  const long = tooLongString(doc);
  if (long !== undefined) {
    return {
      field: long,
      code: LimitRule.StringLength,
      message: `is longer than ${MAX_STRING_LENGTH} characters`,
    };
  }
  return undefined;
}

function eventErrors(event: unknown, pointer: string): ValidationError[] {
  const count = identifierCount(event);
  if (count > MAX_EVENT_IDENTIFIERS) return [tooManyIdentifiers(pointer, count)];
  if (!validateEvent(event)) {
    return toValidationErrors(validateEvent.errors ?? []).map((e) => ({
      ...e,
      field: `${pointer}${e.field}`,
    }));
  }
  return identifierErrors(event as Record<string, unknown>, pointer, MAX_ERRORS);
}

function flatten(invalid: InvalidEvent[]): ValidationError[] {
  const errors: ValidationError[] = [];
  for (const { errors: eventErrors } of invalid) {
    for (const error of eventErrors) {
      if (errors.length === MAX_ERRORS) return errors;
      errors.push(error);
    }
  }
  return errors;
}

function eventsOf(doc: unknown): unknown[] {
  const body = (doc as { epcisBody?: { eventList?: unknown } } | null)?.epcisBody;
  return Array.isArray(body?.eventList) ? body.eventList : [];
}
