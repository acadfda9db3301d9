import type { CustodyChanges, EnumerableCustodyState } from '../contracts/index.js';
import type { EpcisEvent, Transaction } from '../ledger/index.js';
import type { KeyRing, RecipientsBook } from '../privacy/index.js';
import type { EvidenceEntry } from './evidence.js';
import type { GovernanceChange, RulesBook } from './governance.js';
import type { RoledIdentifier } from './identifiers.js';
import type { MembersBook, MembershipChange } from './membership.js';

/** Why a capture's event was refused (GET /capture/{captureID} `errors`). */
export interface CaptureError {
  eventID?: string;
  /** Proceed: the pointer of an event that failed validation and was left out. */
  field?: string;
  /** Stable reason code, e.g. DUPLICATE_EVENT_ID or a custody rule's code. */
  code: string;
  message: string;
}

export interface EventVerdict {
  eventID: string;
  accepted: boolean;
  code?: string;
  message?: string;
}

export interface TxResult {
  tx: Transaction;
  success: boolean;
  errors: CaptureError[];
  /** One per event of a capture, in document order. */
  verdicts: EventVerdict[];
  /** Accepted events, with recordTime = the block's timestamp (error declarations excluded). */
  accepted: EpcisEvent[];
  /** What execution derived of each accepted event, parallel to `accepted`: the index writes it as is. */
  indexed: IndexedEvent[];
  rejected: EventVerdict[];
  /** Accepted error declarations: the declaring event as captured, with recordTime. */
  declarations: EpcisEvent[];
  /** New equivocation evidence recorded by this transaction. */
  evidence?: EvidenceEntry;
  governance?: GovernanceChange;
  /** A member or grant proposal or approval that counted. */
  membership?: MembershipChange;
}

/** An accepted event's place in its document and its identifiers by role, derived once by execution. */
export interface IndexedEvent {
  /** Position in the document's eventList (the proof's eventIndex). */
  position: number;
  identifiers: RoledIdentifier[];
  /** The members that see the event whole (privacy/recipients.ts): sorted, unique. */
  recipients: string[];
}

/** What execution may read of the committed ledger. */
export interface StateView {
  hasEvent(eventID: string): boolean;
  hasEvidence(id: string): boolean;
  /** Who captured a committed event, and whether it was already declared erroneous. */
  eventOrigin(eventID: string): { org: string; declared: boolean } | undefined;
}

export interface ExecutionContext {
  ledger: StateView;
  /** Committed custody state after the parent block. */
  custody: EnumerableCustodyState;
  rules: RulesBook;
  members: MembersBook;
  network: string;
  /** Who receives each accepted event: the members and the auditor grants in force at a height. */
  recipients: RecipientsBook;
  /**
   * A sealed network's encryption keys (docs/privacy.md): every capture must be sealed, to keys
   * active at the height, to at least its events' recipients. Absent: an open network, whose
   * captures must not be sealed.
   */
  sealing?: { keys: KeyRing };
}

/** Everything a block changes, for the block's one storage transaction. */
export interface BlockExecution {
  results: TxResult[];
  /** Custody state changes of the whole block. */
  custody: CustodyChanges;
  /** Root of this block's verdicts: the next header's parentResultsRoot. */
  resultsRoot: string;
  /** The rule set the block was evaluated under. */
  rulesHash: string;
}
