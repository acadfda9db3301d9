import type { CheckName } from './checks.js';

// The proof format, waybill-proof/v1 (docs/proofs.md). Plain JSON: whatever is hashed or signed is
// hashed or signed in its JCS (RFC 8785) encoding. Types are aliases, not interfaces, so the node's
// ledger types and the API's generated types both fit them.

export const PROOF_FORMAT = 'waybill-proof/v1';
/**
 * An event proof with selective disclosures of sealed fields (docs/privacy.md). A verifier that
 * knows only v1 refuses it under `format` rather than pass it without checking the disclosures.
 */
export const PROOF_FORMAT_V2 = 'waybill-proof/v2';

/**
 * The header fields a verifier reads. A header may carry more (the block hash covers the whole
 * object, whatever its fields), so verifiers hash the header exactly as received.
 */
export type ProofHeader = {
  network: string;
  height: number;
  /** Merkle root of the block's transaction ids, in block order. */
  txRoot: string;
  txCount: number;
  /** Milliseconds since the Unix epoch; the recordTime of the block's events. */
  timestamp: number;
};

export type ProofCertificate = {
  height: number;
  round: number;
  blockHash: string;
  signatures: Array<{ member: string; signature: string }>;
};

/** The certified block a proof is anchored in: what `GET /blocks/{height}` also serves. */
export type ProofBlock = {
  /** sha256(JCS(header)), hex. */
  hash: string;
  header: ProofHeader;
  certificate: ProofCertificate;
};

/** A Merkle inclusion path; which leaf and which header root it connects depends on the kind. */
export type ProofInclusion = {
  /** The leaf's position, from 0. */
  index: number;
  /** How many leaves the tree has. */
  count: number;
  /** Sibling hashes from the leaf level up, levels where the node is promoted left out. */
  path: string[];
};

export type ProofTxBody = { kind: string; network: string; org: string };

export type ProofTx = {
  /** sha256(JCS(body)), hex. */
  id: string;
  body: ProofTxBody;
  /** Ed25519 by the org's node key over "waybill/tx/v1\n" + JCS({id}). */
  signature: string;
};

/**
 * One certified change of the member set: `block` is the last block under the previous set (its
 * validators certify it), and its header's `nextMembersHash` is memberSetHash(`members`), the set
 * from the next height on. From genesis, these links carry a verifier to any block's signers.
 */
export type MemberChangeLink = {
  block: ProofBlock;
  members: Array<{ id: string; publicKey: string; role: 'validator' | 'observer' }>;
};

/** The fields every kind of proof has. */
export type ProofBase = {
  format: typeof PROOF_FORMAT;
  kind: string;
  network: string;
  block: ProofBlock;
  /**
   * Every change of the member set since genesis up to `block`, oldest first (absent or empty
   * while the set is the genesis one).
   */
  memberChanges?: MemberChangeLink[];
};

/** An accepted event: its transaction is a leaf of block.header.txRoot. */
export type EventProof = Omit<ProofBase, 'format'> & {
  /** v2 when it carries disclosures. */
  format: typeof PROOF_FORMAT | typeof PROOF_FORMAT_V2;
  kind: 'event';
  /** Leaf tx.id in the tree whose root is block.header.txRoot; count is block.header.txCount. */
  inclusion: ProofInclusion;
  tx: ProofTx;
  /** Position of the event in tx.body.document.epcisBody.eventList. */
  eventIndex: number;
  /** The event as committed: the listed event plus recordTime = the block's timestamp (ISO 8601). */
  event: Record<string, unknown>;
  /** v2 only: sealed fields disclosed under the event's `wb:sealed.root` (verify/disclosure.ts). */
  disclosures?: Disclosure[];
};

/**
 * A verdict (accepted or rejected, with its reason code) of block H: a leaf of the verdict tree
 * whose root block H+1 carries as parentResultsRoot, with the transaction and event it judged.
 */
export type VerdictProof = ProofBase & {
  kind: 'verdict';
  /** The verdict leaf (docs/contracts.md, "Verdict root"). */
  verdict: {
    tx: string;
    event: number | null;
    eventID: string | null;
    status: 'accepted' | 'rejected';
    code: string | null;
  };
  /** Leaf sha256(JCS(verdict)) in the tree whose root is block.header.parentResultsRoot. */
  inclusion: ProofInclusion;
  /** The judged transaction (its id is verdict.tx); for a capture, `verdict.event` indexes its events. */
  tx: ProofTx;
  /** Height of the block that executed the transaction: block.header.height - 1. */
  height: number;
};

/**
 * An object's custody state: its entry in a bucket of the state tree whose root block.header
 * carries as parentStateRoot (docs/contracts.md, "State root").
 */
export type StateProof = ProofBase & {
  kind: 'state';
  /** The entry: key `object:<id>` and the object state as value. */
  entry: { key: string; value: Record<string, unknown> };
  /** Every entry of the bucket, in keyHash order, as hex (keyHash, leafHash). */
  bucket: { index: number; entries: Array<{ keyHash: string; leafHash: string }> };
  /** The bucket's 16 siblings, bottom up, hex. */
  path: string[];
};

export type Proof = EventProof | VerdictProof | StateProof;

/** The trust anchor: the genesis file's network id and member node keys (other fields ignored). */
export type GenesisKeys = {
  network: string;
  members: ReadonlyArray<{ id: string; publicKey: string; role?: 'validator' | 'observer' }>;
};

/** One check of a proof, as verifyProof found it; in the order of CHECKS[kind]. */
export interface CheckOutcome {
  check: CheckName;
  /** `not-run`: a check after the first failure. */
  status: 'passed' | 'failed' | 'not-run';
  /** What was checked (passed) or why it failed. */
  detail?: string;
}

export interface VerifyResult {
  ok: boolean;
  /** One human-readable line per check passed: `<check>: <detail>`. */
  verified: string[];
  failure?: { check: CheckName; message: string };
  /** Every check of the proof's kind (checksOf), passed, failed or not run. */
  checks: CheckOutcome[];
  /** The sealed fields a v2 event proof discloses, once verified. */
  disclosed?: Array<{ path: string; value: unknown }>;
}

/** One disclosed sealed field: its value, salt and where its leaf sits in the tree. */
export type Disclosure = {
  /** JSON-Pointer-like path in the event: `bizTransactionList/0`, `ilmd/example:lot`, `example:price`. */
  path: string;
  /** 16 bytes, hex. */
  salt: string;
  value: unknown;
  index: number;
  count: number;
  /** Sibling hashes, bottom up (merkle.ts). */
  merklePath: string[];
};
