import type { CheckName } from './checks.js';

// The proof format, waybill-proof/v1 (docs/proofs.md). Plain JSON: whatever is hashed or signed is
// hashed or signed in its JCS (RFC 8785) encoding. Types are aliases, not interfaces, so the node's
// ledger types and the API's generated types both fit them.

export const PROOF_FORMAT = 'waybill-proof/v1';

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

/** The fields every kind of proof has. */
export type ProofBase = {
  format: typeof PROOF_FORMAT;
  kind: string;
  network: string;
  block: ProofBlock;
};

/** An accepted event: its transaction is a leaf of block.header.txRoot. */
export type EventProof = ProofBase & {
  kind: 'event';
  /** Leaf tx.id in the tree whose root is block.header.txRoot; count is block.header.txCount. */
  inclusion: ProofInclusion;
  tx: ProofTx;
  /** Position of the event in tx.body.document.epcisBody.eventList. */
  eventIndex: number;
  /** The event as committed: the listed event plus recordTime = the block's timestamp (ISO 8601). */
  event: Record<string, unknown>;
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
  members: ReadonlyArray<{ id: string; publicKey: string }>;
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
}
