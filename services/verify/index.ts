/**
 * The offline proof verifier (docs/proofs.md). Browser-safe: no Node APIs, only @noble/curves,
 * @noble/hashes and canonicalize. The node shares its definitions: the Merkle tree rules, the
 * signed bytes, the quorum and certificate counting.
 */
export {
  type CertificateLike,
  type CertificateSigners,
  certificateSigners,
  type VerifySignature,
} from './certificate.js';
export { BLOCK_CHECKS, CHECKS, type CheckName, checksOf, type ProofKindName } from './checks.js';
export {
  type Disclosure,
  escapeSegment,
  fieldLeafText,
  fieldLeafWith,
  pathSegments,
  type SealedRef,
  sealedRefOf,
  verifyDisclosures,
} from './disclosure.js';
export { ed25519Verify, type Hash, isHex, jcsHash, sha256 } from './hash.js';
export { type MemberKey, type MemberRole, memberSetHash, validatorsOf } from './members.js';
export {
  merklePathOf,
  merklePathWith,
  merkleRootOf,
  merkleRootWith,
  rootFromPathWith,
  type TreeHash,
  treeHashOf,
} from './merkle.js';
export {
  NON_MEMBER_PLACEHOLDER,
  PARTLY_PUBLIC_FIELDS,
  PUBLIC_FIELDS,
  QUANTITY_FIELDS,
  SEALED_KEY,
  SERVED_FIELDS,
} from './public-fields.js';
export { isObject } from './shape.js';
export { quorumOf, txSigningBytes, voteBytes } from './signed-bytes.js';
export {
  bucketHashWith,
  bucketOf,
  compareBytes,
  NODE,
  nodeHashWith,
  rootFromBucketPathWith,
  STATE_TREE_DEPTH,
} from './state-tree.js';
export type {
  CheckOutcome,
  EventProof,
  GenesisKeys,
  MemberChangeLink,
  Proof,
  ProofBase,
  ProofBlock,
  ProofCertificate,
  ProofHeader,
  ProofInclusion,
  ProofTx,
  ProofTxBody,
  StateProof,
  VerdictProof,
  VerifyResult,
} from './types.js';
export { PROOF_FORMAT, PROOF_FORMAT_V2 } from './types.js';
export { verifyProof } from './verify.js';
