import type { ConsensusTimeouts } from '../consensus/index.js';
import type { MemberRecord, RuleFileData } from '../ledger/index.js';
import type { AuditorGrant } from '../privacy/index.js';

export type { EncryptionPublicKey, PublicJwk } from '../crypto/index.js';

/** A member as genesis lists it: its public description (ledger/members.ts), role included. */
export type GenesisMember = MemberRecord;

export interface ConsensusParams extends ConsensusTimeouts {
  /** Upper bounds on what one block may hold. */
  maxBlockTxs: number;
  maxBlockBytes: number;
  /**
   * Upper bound on a block's execution cost (ledger/tx-cost.ts: one per transaction, event and
   * identifier), so a block's validation and apply fit a round on every member's machine. A block
   * of one transaction may exceed it: an acknowledged capture always fits some block. Absent in
   * genesis files older than the bound: DEFAULT_CONSENSUS's (blockCostLimit).
   */
  maxBlockCost?: number;
  /**
   * A node prevotes nil for a proposal that leaves out one of its own transactions pending
   * longer than this although the block had room: one member cannot censor another's events.
   */
  censorshipTimeoutMs: number;
}

/**
 * `sealed`: commercial fields of each event are committed and encrypted to its recipients
 * (docs/privacy.md); `open`: every node stores every event in plaintext. Absent: open (genesis
 * files older than sealing); `network init` writes sealed unless the network file says open.
 */
export type PrivacyMode = 'sealed' | 'open';

export interface Genesis {
  network: string;
  privacy?: PrivacyMode;
  /** Milliseconds since the epoch: the genesis timestamp; block 1 must be later. */
  timestamp: number;
  members: GenesisMember[];
  consensus: ConsensusParams;
  /**
   * The custody rules at genesis (contracts/*.yaml as name and text). Every node compiles them from
   * here, so all members start under the same rules; later versions arrive by governance.
   */
  rules: RuleFileData[];
  /**
   * Auditor grants in force from genesis (privacy/grants.ts): each grantee receives, whole, every
   * event its scope matches until `until`. Governance grants will add to these.
   */
  grants?: AuditorGrant[];
}
