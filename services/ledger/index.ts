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
export { memberFileProblem, recordOf, signMemberFile } from './member-file.js';
export {
  type MemberKey,
  type MemberRecord,
  type MemberRole,
  MemberSet,
  MIN_VALIDATORS,
  memberSetHash,
  roleOf,
  validatorsOf,
} from './members.js';
export { binaryLeafTreeHash, EMPTY_ROOT, merkleProof, merkleRoot, nodeTreeHash } from './merkle.js';
export { blockCost, bodyCost, txCost } from './tx-cost.js';
export { type CaptureTx, eventsOf, isCapture, submitterOf } from './tx-shape.js';
export type {
  AuditorGrant,
  Block,
  BlockHeader,
  CaptureTxBody,
  CommitCertificate,
  CommittedBlock,
  EpcisEvent,
  EvidenceTxBody,
  GrantApprovalTxBody,
  GrantProposalTxBody,
  InvalidCaptureEvent,
  MemberApprovalTxBody,
  MemberChange,
  MemberFile,
  MemberProposalTxBody,
  MemberSignature,
  RuleFileData,
  RulesApprovalTxBody,
  RulesProposalTxBody,
  SealedGroup,
  SubmitContext,
  Transaction,
  TxBody,
} from './types.js';
