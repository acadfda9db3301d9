import type { ConsensusTimeouts } from '../consensus/index.js';
import type { PublicJwk } from '../crypto/index.js';
import type { RuleFileData } from '../ledger/index.js';
import type { AuditorGrant } from '../privacy/index.js';

export type { PublicJwk } from '../crypto/index.js';

export interface GenesisMember {
  /** Org id: lower-case slug, unique in the network. */
  id: string;
  name: string;
  /** GS1 party ids (PGLN URNs) this org acts as. */
  parties: string[];
  /** GS1 location ids (SGLN URNs) of its sites. */
  locations: string[];
  /** Ed25519 node public key, hex. It signs transactions and votes and is the libp2p identity. */
  publicKey: string;
  /** libp2p peer id derived from publicKey. */
  peerId: string;
  /** Public key of the org's development token issuer. */
  jwtIssuerKey: PublicJwk;
  host: string;
  apiPort: number;
  p2pPort: number;
}

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
  /**
   * Auditor grants in force from genesis (privacy/grants.ts): each grantee receives, whole, every
   * event its scope matches until `until`. Governance grants will add to these.
   */
  grants?: AuditorGrant[];
}
