import type { ConsensusTimeouts } from '../consensus/index.js';
import type { MemberRecord, RuleFileData } from '../ledger/index.js';

export type { PublicJwk } from '../crypto/index.js';

/** A member as genesis lists it: its public description (ledger/members.ts), role included. */
export type GenesisMember = MemberRecord;

export interface ConsensusParams extends ConsensusTimeouts {
  /** Upper bounds on what one block may hold. */
  maxBlockTxs: number;
  maxBlockBytes: number;
  /**
   * A node prevotes nil for a proposal that leaves out one of its own transactions pending
   * longer than this although the block had room: one member cannot censor another's events.
   */
  censorshipTimeoutMs: number;
}

export interface Genesis {
  network: string;
  /** Milliseconds since the epoch: the genesis timestamp; block 1 must be later. */
  timestamp: number;
  members: GenesisMember[];
  consensus: ConsensusParams;
  /**
   * The custody rules at genesis (contracts/*.yaml as name and text). Every node compiles them from
   * here, so all members start under the same rules; later versions arrive by governance.
   */
  rules: RuleFileData[];
}
