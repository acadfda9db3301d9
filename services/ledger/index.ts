export {
  blockIsWellFormed,
  headerHash,
  idMatchesBody,
  quorumOf,
  signTx,
  txRootOf,
  verifyCertificate,
  verifyTx,
  voteBytes,
} from './block.js';
export { EMPTY_ROOT, merkleProof, merkleRoot } from './merkle.js';
export { blockCost, txCost } from './tx-cost.js';
export { type CaptureTx, eventsOf, isCapture, submitterOf } from './tx-shape.js';
export type {
  Block,
  BlockHeader,
  CaptureTxBody,
  CommitCertificate,
  CommittedBlock,
  EpcisEvent,
  EvidenceTxBody,
  InvalidCaptureEvent,
  MemberSignature,
  RuleFileData,
  RulesApprovalTxBody,
  RulesProposalTxBody,
  SealedGroup,
  SubmitContext,
  Transaction,
  TxBody,
} from './types.js';
