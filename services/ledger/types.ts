import type { MemberRecord } from './members.js';

/**
 * Ledger data model. Everything here is plain JSON so that its canonical encoding (RFC 8785, see
 * common/encoding.ts) is what gets hashed and signed. Hashes and signatures are lower-case hex.
 */

/** An EPCIS 2.0 event as posted (JSON-LD object); eventID is always set by the time it is ordered. */
export type EpcisEvent = Record<string, unknown> & { eventID: string; type: string };

/** The signed part of a capture transaction. One capture document = one transaction. */
export interface CaptureTxBody {
  kind: 'capture';
  network: string;
  /** Org id of the submitting node, whose node key signs the transaction. */
  org: string;
  /** The API client (JWT `sub`) that posted the document. */
  submitter: string;
  /** GS1-Capture-Error-Behaviour: rollback (all or nothing) or proceed. */
  errorBehaviour: 'rollback' | 'proceed';
  /** The EPCISDocument with every event's eventID filled in (under proceed: its valid events). */
  document: Record<string, unknown>;
  /**
   * Proceed only, and only when some events failed validation: why each was left out of
   * `document`. Part of the signed body, so every node reports the same capture job and a retry
   * of the same document is the same transaction.
   */
  invalid?: InvalidCaptureEvent[];
  /**
   * Sealed networks only (docs/privacy.md): the sealed parts of the document's events, one JWE per
   * recipient set. Each event of `document` is then its public view, whose `wb:sealed.group` is
   * its index here; `submitter` is '' (it is sealed).
   */
  sealed?: SealedGroup[];
}

/** One recipient set's ciphertext in a sealed capture. */
export interface SealedGroup {
  /** The recipients' encryption key ids (genesis encryptionKeys), sorted; the JWE lists them in this order. */
  kids: string[];
  /** sha256(JCS(jwe)), hex: what a node checks the ciphertext it holds against. */
  digest: string;
  /** JWE General JSON serialisation (RFC 7516 section 7.2.1). */
  jwe: Record<string, unknown>;
}

/** An event of a proceed capture that failed validation: its first reason. */
export interface InvalidCaptureEvent {
  /** Position in the submitted eventList. */
  index: number;
  /** The eventID the event gave itself, if any. */
  eventID?: string;
  /** JSON Pointer into the submitted document. */
  field: string;
  /** The rule (an IDENTIFIER_* or limit code), VALIDATION_FAILED for a schema rule. */
  code: string;
  message: string;
}

/** Who submits a capture and how its errors are handled: the capture body's submitter and errorBehaviour. */
export type SubmitContext = Pick<CaptureTxBody, 'submitter' | 'errorBehaviour'>;

/**
 * A node reports that a member signed two conflicting consensus messages. The evidence itself
 * (consensus/evidence.ts) is self-verifying against the member keys in genesis.
 */
export interface EvidenceTxBody {
  kind: 'evidence';
  network: string;
  /** Org id of the reporting node. */
  org: string;
  evidence: Record<string, unknown>;
}

/** A rule file carried on the ledger (contracts/*.yaml): name and text. */
export interface RuleFileData {
  name: string;
  text: string;
}

/**
 * Governance of the custody rules: a member proposes a rule set (its full text, so every node and
 * every later replay has it) and members approve its hash; see execution/governance.ts.
 */
export interface RulesProposalTxBody {
  kind: 'rules_proposal';
  network: string;
  org: string;
  files: RuleFileData[];
}

export interface RulesApprovalTxBody {
  kind: 'rules_approval';
  network: string;
  org: string;
  /** ruleSetHash of the proposed files. */
  hash: string;
}

/**
 * Governance of the member set (execution/membership.ts): add a member (its member file), remove one,
 * or update one (new keys, addresses or role). `basis` is the height the proposer's node had
 * committed when it proposed, so the same change proposed again later is a new proposal.
 */
export type MemberChange =
  | { action: 'add'; member: MemberFile }
  | { action: 'remove'; id: string }
  | { action: 'update'; member: MemberFile };

/** A member file as `waybill member init` writes it: the description, signed by its node key. */
export type MemberFile = MemberRecord & {
  /** Ed25519 by the node key over signingBytes(Domain.Member, the description without `signature`). */
  signature: string;
};

export interface MemberProposalTxBody {
  kind: 'member_proposal';
  network: string;
  org: string;
  change: MemberChange;
  basis: number;
}

export interface MemberApprovalTxBody {
  kind: 'member_approval';
  network: string;
  org: string;
  /** proposalHash of the proposal. */
  hash: string;
}

/** Read access for an org beyond its own events, granted by governance. */
export interface AuditorGrant {
  org: string;
  role: 'auditor';
  /** CEL over the public view of an event; absent: every event. */
  scope?: string;
  /** RFC 3339; absent: until revoked. */
  until?: string;
}

export interface GrantProposalTxBody {
  kind: 'grant_proposal';
  network: string;
  org: string;
  grant: AuditorGrant;
  basis: number;
}

export interface GrantApprovalTxBody {
  kind: 'grant_approval';
  network: string;
  org: string;
  hash: string;
}

export type TxBody =
  | CaptureTxBody
  | EvidenceTxBody
  | RulesProposalTxBody
  | RulesApprovalTxBody
  | MemberProposalTxBody
  | MemberApprovalTxBody
  | GrantProposalTxBody
  | GrantApprovalTxBody;

export interface Transaction {
  /** hashOf(body): the capture id, stable across retries of the same document. */
  id: string;
  body: TxBody;
  /** Ed25519 by the org's node key over signingBytes(Domain.Transaction, { id }). */
  signature: string;
}

export interface BlockHeader {
  network: string;
  height: number;
  /** The consensus round (view) in which this block was first proposed. */
  view: number;
  /** Hash of the parent header; for height 1, the genesis hash. */
  parentHash: string;
  /** Merkle root of the transaction ids, in block order (ledger/merkle.ts). */
  txRoot: string;
  txCount: number;
  /** Org id of the proposer. */
  proposer: string;
  /** Milliseconds since the Unix epoch, chosen by the proposer, checked by voters. EPCIS recordTime. */
  timestamp: number;
  /**
   * Custody state root after the parent block (contracts/state-tree.ts; the genesis root, of the
   * empty state, at height 1). Lagging by one block lets the proposer fill it without executing its
   * own proposal; a node whose state differs from a committed root halts.
   */
  parentStateRoot: string;
  /** Merkle root of the parent block's verdicts (execution/results.ts); the empty root at height 1. */
  parentResultsRoot: string;
  /** Hash of the rule set this block's events are evaluated under (contracts ruleSetHash). */
  rulesHash: string;
  /**
   * memberSetHash of the members in force at this height (whose validators certify it) and at the
   * next one. The next set is known when the block is built: a change activates two blocks after
   * the approval that reaches the quorum. A proof follows these links from genesis to any block.
   * Absent only in blocks built outside a node (the consensus simulator's).
   */
  membersHash?: string;
  nextMembersHash?: string;
}

export interface Block {
  header: BlockHeader;
  txs: Transaction[];
}

/** One member's signature in a certificate. */
export interface MemberSignature {
  /** Org id of the signing member. */
  member: string;
  signature: string;
}

/**
 * 2f+1 precommits of distinct members for one block. Each signature is over
 * signingBytes(Domain.Vote, { type: 'precommit', network, height, round, blockHash }).
 */
export interface CommitCertificate {
  height: number;
  round: number;
  blockHash: string;
  signatures: MemberSignature[];
}

export interface CommittedBlock {
  hash: string;
  block: Block;
  certificate: CommitCertificate;
}
