import type { ApiDeps } from '../api/types.js';
import { DEFAULT_MAX_EVENTS } from '../epcis/index.js';
import { quorumOf, type Transaction } from '../ledger/index.js';
import { CommitWaiter } from './commit-waiter.js';
import type { NodeParts } from './parts.js';
import { LedgerQueries } from './queries.js';
import { captureSingleEvent } from './single-event.js';

/** What the HTTP layer may do with the node. */
export function apiDeps(parts: NodeParts): ApiDeps {
  const { config, store, mempool, app, core, p2p, driver, gossip, metrics } = parts;
  const { genesis } = config;
  const queries = new LedgerQueries(store, mempool);
  const announce = (tx: Transaction) => {
    gossip.announce(tx);
    metrics.mempoolSize.set(mempool.size);
    driver.dispatch({ type: 'txs_available', available: true, now: Date.now() });
  };
  const single = { app, store, queries, waiter: new CommitWaiter(app, store), announce };
  const { f } = quorumOf(genesis.members.length);
  return {
    network: genesis.network,
    org: config.org,
    issuers: new Map(genesis.members.map((m) => [m.id, m.jwtIssuerKey])),
    identityProviders: config.auth.jwks,
    bodyLimit: config.api.bodyLimit,
    capture: {
      submit: async (document, ctx) => {
        const { tx, fresh } = app.submit(document, ctx);
        if (fresh) announce(tx);
        return { captureID: tx.id };
      },
      job: (id) => queries.captureJob(id),
    },
    captureLimit: DEFAULT_MAX_EVENTS,
    events: {
      capture: (event, ctx) => captureSingleEvent(single, event, ctx),
      get: (eventID) => store.getEvent(eventID)?.event,
      status: (eventID) => queries.eventStatus(eventID),
    },
    evidence: {
      list: () =>
        store.listEvidence().map(({ evidence, ...e }) => ({
          ...e,
          first: evidence.first as Record<string, unknown>,
          second: evidence.second as Record<string, unknown>,
        })),
    },
    node: {
      status: () => {
        const tip = store.tip();
        return {
          org: config.org,
          network: genesis.network,
          height: tip.height,
          view: core.status.round,
          leader: core.status.proposer,
          peers: p2p.peers().map((p) => ({ org: p.id, peerId: p.peerId, connected: p.connected })),
          lastBlockTime: tip.height > 0 ? new Date(tip.timestamp).toISOString() : null,
        };
      },
      ready: () => p2p.peers().filter((p) => p.connected).length >= 2 * f && !driver.isSyncing,
      metrics: async () => ({
        contentType: metrics.registry.contentType,
        body: await metrics.registry.metrics(),
      }),
      observeRequest: (operation, status, seconds) => metrics.observeRequest(operation, status, seconds),
    },
  };
}
