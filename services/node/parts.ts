import type { Logger } from '../common/logger.js';
import type { NodeConfig } from '../config/load.js';
import type { ConsensusCore } from '../consensus/types.js';
import type { Mempool } from '../mempool/index.js';
import type { P2PNetwork } from '../p2p/types.js';
import type { Store } from '../storage/index.js';
import type { DestPolicy, SecretBox } from '../subscriptions/index.js';
import type { ConsensusDriver } from './driver.js';
import type { Gossip } from './gossip.js';
import type { LedgerApp } from './ledger-app.js';
import type { NodeMetrics } from './metrics.js';
import type { RuleRegistry } from './rules-book.js';

/** The running pieces of one node, as wiring and the API adapter see them. */
export interface NodeParts {
  config: NodeConfig;
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
}
