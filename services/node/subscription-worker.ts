import { queryDocument } from '../api/index.js';
import type { Logger } from '../common/index.js';
import type { Store } from '../storage/index.js';
import type { DestPolicy, SecretBox } from '../subscriptions/index.js';
import { DeliveryWorker } from '../subscriptions/index.js';
import type { NodeMetrics } from './metrics.js';

/** Where webhooks may go (node.json subscriptions.allowedDestinations) and the key of their secrets. */
export interface Webhooks {
  policy: DestPolicy;
  secrets: SecretBox;
}

export interface DeliveryComponents {
  store: Pick<Store, 'index' | 'readSnapshot' | 'whenNoBlockWrite'>;
  metrics: Pick<NodeMetrics, 'subscriptionDeliveries' | 'watchSubscriptionLag'>;
  logger: Logger;
  webhooks: Webhooks;
}

/**
 * The node's webhook delivery worker over its own store, woken after every commit (node.ts). Started once
 * the node is up; stopped before the store closes (node.ts).
 */
export function deliveryWorker(parts: DeliveryComponents): DeliveryWorker {
  const { store, metrics, logger, webhooks } = parts;
  const { subscriptions, namedQueries, reader } = store.index;
  const worker = new DeliveryWorker({
    subscriptions,
    namedQueries,
    reader,
    secrets: webhooks.secrets,
    policy: webhooks.policy,
    // The same document GET /queries/{name}/events answers with.
    document: queryDocument,
    logger: logger.child({ component: 'subscriptions' }),
    onDelivery: (outcome) => metrics.subscriptionDeliveries.inc({ outcome }),
    // Blocks commit on the block writer thread's connection, between any two reads of this one.
    snapshot: (read) => store.readSnapshot(read),
    // Its cursor writes wait for a block being written there (SQLite's one writer).
    write: (write) => store.whenNoBlockWrite(write),
  });
  metrics.watchSubscriptionLag(() => subscriptions.lag());
  return worker;
}
