export {
  type EventVerdict,
  eventsOf,
  executeBlock,
  RejectCode,
  type StateView,
  type TxResult,
} from './execute.js';
