export { CaptureContexts, type Namespaces } from './capture-contexts.js';
export type { CommittedCustody } from './custody-store.js';
export { StorageError, StorageErrorCode, type StorageErrorMeta } from './errors.js';
export { EventIndex } from './event-index.js';
export type {
  Cursor,
  EventFilter,
  EventPage,
  EventPageRequest,
  IdCondition,
  OrderField,
  TimeRange,
} from './event-query.js';
export { DENSE_PATTERN_ROWS, eventPageSql, type TermIds, termIdsOf } from './event-query.js';
export type {
  CaptureRow,
  IndexReader,
  ListCursor,
  RejectionRow,
  TracedEvent,
  VocabularyKind,
} from './index-reader.js';
export { MembershipStore } from './membership-store.js';
export type { NamedQueries, NamedQuery } from './named-queries.js';
export { restoreLedger } from './restore.js';
export { LEDGER_FILE } from './schema.js';
export { type HeldEvent, SealedStore } from './sealed-store.js';
export { Store, type StoredRejection, type StoredTx, type StoreIdentity } from './store.js';
export type { NewSubscription, Subscription, Subscriptions } from './subscriptions.js';
