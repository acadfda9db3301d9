/** EPCIS 2.0 documents: validation of capture documents and CBV 2.0 event hash IDs. */

export {
  BIZ_STEP,
  BIZ_TRANSACTION_TYPE,
  DISPOSITION,
  SOURCE_DESTINATION_TYPE,
  type Vocabulary,
} from './cbv-vocabulary.js';
export { captureDocumentSchema, EPCIS_CONTEXT_URL, MAX_URI_LENGTH } from './document-schema.js';
export { digitalLinkToEpc, type GcpLength, GcpLengths } from './epc-from-digital-link.js';
export { epcToDigitalLink } from './epc-uri.js';
export {
  identifierCount,
  LimitRule,
  MAX_DOCUMENT_IDENTIFIERS,
  MAX_EVENT_IDENTIFIERS,
  MAX_STRING_LENGTH,
} from './event-checks.js';
export { assignEventIds, eventHash } from './event-hash.js';
export { preHashString } from './event-prehash.js';
export { EVENT_TYPES } from './event-schemas.js';
export { canonicalDigitalLink, canonicalGs1Identifier } from './gs1-digital-link.js';
export {
  type IdentifierProblem,
  type IdentifierRole,
  IdentifierRule,
  identifierProblem,
} from './identifiers.js';
export type {
  EpcisDocument,
  EpcisEvent,
  EventsCheck,
  IdentifiedEpcisEvent,
  InvalidEvent,
  ValidationError,
  ValidationResult,
} from './types.js';
export { checkCaptureEvents, DEFAULT_MAX_EVENTS, validateCaptureDocument } from './validate.js';
export {
  type CbvXmlFormat,
  epcisDocumentFromXml,
  namespacesIn,
  type QueryResultsXml,
  queryDocumentXml,
  XmlSyntaxError,
} from './xml/index.js';
