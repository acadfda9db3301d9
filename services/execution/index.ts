export { type EvidenceEntry, evidenceEntry } from './evidence.js';
export {
  type EventVerdict,
  eventsOf,
  executeBlock,
  isCapture,
  RejectCode,
  type StateView,
  submitterOf,
  type TxResult,
} from './execute.js';
