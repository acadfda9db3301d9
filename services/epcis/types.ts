/**
 * Light types for EPCIS 2.0 JSON(-LD) capture documents. They only name what the code relies on:
 * everything else stays `unknown` because events carry open-ended extension fields.
 */

/** One EPCIS event as posted: a JSON-LD object whose `type` is one of the five EPCIS event types. */
export type EpcisEvent = Record<string, unknown> & { type: string; eventTime: string; eventID?: string };

/** An event once Waybill has made sure it has an identifier. */
export type IdentifiedEpcisEvent = EpcisEvent & { eventID: string };

/** An EPCISDocument (the body of POST /capture) after validation. */
export type EpcisDocument = Record<string, unknown> & {
  '@context': unknown;
  type: 'EPCISDocument';
  schemaVersion: string;
  creationDate: string;
  epcisBody: Record<string, unknown> & { eventList: EpcisEvent[] };
};

/** A refusal reason: `field` is a JSON Pointer into the submitted document. */
export interface ValidationError {
  field: string;
  message: string;
  /** The rule broken, when it has a stable code (identifier rules, limits). */
  code?: string;
}

/** An event of a document that failed validation, by its position in the submitted eventList. */
export interface InvalidEvent {
  index: number;
  errors: ValidationError[];
}

export type ValidationResult =
  | { ok: true; document: EpcisDocument; events: EpcisEvent[] }
  | { ok: false; errors: ValidationError[] };

/**
 * A document checked event by event: `errors` when the document itself is refused (its outline,
 * its size, or every event), else the valid events in order and the invalid ones with reasons.
 */
export type EventsCheck =
  | { ok: true; document: EpcisDocument; valid: EpcisEvent[]; invalid: InvalidEvent[] }
  | { ok: false; errors: ValidationError[] };
