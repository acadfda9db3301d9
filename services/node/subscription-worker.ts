import { queryDocument } from '../api/index.js';
import { DeliveryWorker } from '../subscriptions/index.js';
import type { NodeParts } from './parts.js';

/**
 * The node's webhook delivery worker over its own store, woken after every commit (node.ts). Started once
 * the node is up; stopped before the store closes (node.ts).
 */
export function deliveryWorker(
  parts: Pick<NodeParts, 'store' | 'metrics' | 'logger' | 'webhooks'>,
): DeliveryWorker {
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
  });
  metrics.watchSubscriptionLag(() => subscriptions.lag());
  return worker;
}
