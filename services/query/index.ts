/**
 * The EPCIS query interface and the auditor's trace over the event index (storage/event-index.ts):
 * parameter parsing into a typed query, page tokens, the provenance trace and FSMA 204 CSV.
 */

export {
  type ListedCaptureJob,
  PAGE_MAX_BYTES,
  type QueryBackend,
  queryBackend,
  type WriteGate,
} from './backend.js';
export {
  type CaptureJob,
  committedJob,
  type EventStatus,
  listedJob,
  runningJob,
  runningJobs,
} from './capture-jobs.js';
export { type EpcFormat, inEpcFormat } from './epc-format.js';
export { criticalTrackingEvent, FSMA_COLUMNS, fsmaRows, toCsv } from './fsma-csv.js';
export { bizStepKey, dispositionKey, identifierKey, isUri, patternPrefix } from './identifiers.js';
export { LedgerQueries } from './ledger-reads.js';
export {
  decodePageToken,
  encodePageToken,
  type Position,
  type PositionShape,
  type TokenBinding,
} from './page-token.js';
export {
  DEFAULT_PER_PAGE,
  EVENT_QUERY_PARAMETERS,
  isEventQueryParameter,
  MAX_PER_PAGE,
  type Pairs,
  type ParsedQuery,
  parseEventQuery,
  perPageOf,
  queryPairs,
  queryParameterError,
} from './params.js';
export { ProofQueries } from './proofs.js';
export {
  type CustodyStep,
  DEFAULT_TRACE_LIMITS,
  lineageOf,
  type NodeState,
  type Trace,
  type TraceDirection,
  type TraceEdge,
  type TraceLimits,
  type TraceNode,
  type TraceResult,
  traceObject,
  withNodeState,
} from './trace.js';
export { type Access, Visibility } from './visibility.js';
