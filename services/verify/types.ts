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

export type Proof = EventProof;

/** The trust anchor: the genesis file's network id and member node keys (other fields ignored). */
export type GenesisKeys = {
  network: string;
  members: ReadonlyArray<{ id: string; publicKey: string }>;
};

/** Check names, in the order they run; a failure names the first that failed. */
export type CheckName =
  | 'genesis'
  | 'format'
  | 'network'
  | 'block-hash'
  | 'certificate'
  | 'inclusion'
  | 'tx-id'
  | 'tx-signature'
  | 'event';

export interface VerifyResult {
  ok: boolean;
  /** One human-readable line per check passed. */
  verified: string[];
  failure?: { check: CheckName; message: string };
}
