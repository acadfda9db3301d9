import type { LedgerApp, RuleRegistry } from '../chain/index.js';
import type { Logger } from '../common/index.js';
import type { NodeConfig } from '../config/index.js';
import type { Clock, ConsensusCore, ConsensusDriver } from '../consensus/index.js';
import type { Mempool } from '../mempool/index.js';
import type { P2PNetwork } from '../p2p/index.js';
import type { Store } from '../storage/index.js';
import type { DestPolicy, SecretBox } from '../subscriptions/index.js';
import type { CommitWaiter } from './commit-waiter.js';
import type { Gossip } from './gossip.js';
import type { NodeMetrics } from './metrics.js';
import type { NodeSealing } from './sealing.js';

/** The running pieces of one node, as wiring and the API adapter see them. */
export interface NodeParts {
  config: NodeConfig;
  /** The node's one source of `now`. */
  clock: Clock;
  logger: Logger;
  metrics: NodeMetrics;
  store: Store;
  mempool: Mempool;
  app: LedgerApp;
  core: ConsensusCore;
  p2p: P2PNetwork;
  driver: ConsensusDriver;
  gossip: Gossip;
  rules: RuleRegistry;
  /** Where webhooks may go (node.json subscriptions.allowedDestinations) and the key of their secrets. */
  webhooks: { policy: DestPolicy; secrets: SecretBox };
  /** Requests waiting for the block that commits their transaction (POST /events). */
  waiter: CommitWaiter;
  /** A sealed network's keys, tiers and recipient side (docs/privacy.md). */
  sealing?: NodeSealing;
}
