import { randomUUID } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiDeps, DryRunResult, IssuerKeys } from '../api/index.js';
import type { LedgerApp, MemberBook, RuleRegistry } from '../chain/index.js';
import type { Logger } from '../common/index.js';
import type { NodeConfig, PublicJwk } from '../config/index.js';
import type { Clock, ConsensusCore, ConsensusDriver } from '../consensus/index.js';
import { verify } from '../crypto/index.js';
import { DEFAULT_MAX_EVENTS } from '../epcis/index.js';
import type { TxResult } from '../execution/index.js';
import { quorumOf, type Transaction } from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';
import type { P2PNetwork } from '../p2p/index.js';
import { LedgerQueries, ProofQueries, queryBackend } from '../query/index.js';
import type { Store } from '../storage/index.js';
import type { CommitWaiter } from './commit-waiter.js';
import { DEFAULT_DISK_RESERVE_BYTES, DiskGuard } from './disk-guard.js';
import type { Gossip } from './gossip.js';
import { membershipDeps } from './membership.js';
import type { NodeMetrics } from './metrics.js';
import type { NodeSealing } from './sealing.js';
import { captureSingleEvent } from './single-event.js';
import type { Webhooks } from './subscription-worker.js';

/** What the API adapter needs of the node: every service the HTTP layer reaches through ApiDeps. */
export interface ApiComponents {
  config: NodeConfig;
  clock: Clock;
  logger: Logger;
  metrics: NodeMetrics;
  store: Store;
  mempool: Mempool;
  app: LedgerApp;
  core: Pick<ConsensusCore, 'status'>;
  p2p: Pick<P2PNetwork, 'peers'>;
  driver: Pick<ConsensusDriver, 'dispatch' | 'isSyncing' | 'state'>;
  gossip: Pick<Gossip, 'announce'>;
  rules: RuleRegistry;
  members: MemberBook;
  waiter: CommitWaiter;
  webhooks: Webhooks;
  /** A sealed network's tiers (docs/privacy.md): disclosures need them. */
  sealing?: NodeSealing | undefined;
}

/** What the HTTP layer may do with the node. */
export function apiDeps(parts: ApiComponents): ApiDeps {
  const { config, store, mempool, app, core, p2p, driver, gossip, metrics, rules, logger, waiter, webhooks } =
    parts;
  const disk = new DiskGuard(config.dataDir, config.diskReserveBytes ?? DEFAULT_DISK_RESERVE_BYTES, logger);
  const { genesis } = config;
  const queries = new LedgerQueries(store, mempool);
  const announce = (tx: Transaction) => {
    gossip.announce(tx);
    metrics.mempoolSize.set(mempool.size);
    driver.dispatch({ type: 'txs_available', available: true, now: parts.clock() });
  };
  const single = { app, store, queries, waiter, announce };
  const { f } = quorumOf(genesis.members.length);
  return {
    network: genesis.network,
    org: config.org,
    issuers: memberIssuers(parts.members, store, config.self),
    identityProviders: config.auth.jwks,
    bodyLimit: config.api.bodyLimit,
    genesis: () => genesis,
    companyPrefixes: config.gs1.companyPrefixes,
    capture: {
      submit: async (document, ctx) => {
        const { tx, fresh, durable } = await app.submitCapture(document, ctx);
        await durable.catch((err: unknown) => disk.failed(err));
        if (fresh) announce(tx);
        return { captureID: tx.id };
      },
      dryRun: (document, ctx) => dryRunResult(app.dryRun(document, ctx, parts.clock())),
      job: (id, org) => queries.captureJob(id, org),
    },
    objects: {
      get: (id) => app.object(id),
      alerts: (org, after, limit) => store.index.reader.alerts(org, after, limit),
    },
    governance: {
      list: () => ({
        quorum: rules.quorumAt(store.tip().height + 1),
        ruleSets: rules.versions(store.tip().height + 1),
      }),
      propose: async (files) => {
        const { tx, hash, fresh, durable } = app.proposeRules(files);
        await durable;
        if (fresh) announce(tx);
        return { txId: tx.id, hash };
      },
      approve: async (hash) => {
        const { tx, fresh, durable } = app.approveRules(hash);
        await durable;
        if (fresh) announce(tx);
        return { txId: tx.id, hash };
      },
    },
    membership: membershipDeps(parts, announce),
    captureLimit: DEFAULT_MAX_EVENTS,
    events: {
      capture: (event, ctx) => captureSingleEvent(single, event, ctx),
      get: (eventID, view) => store.getEvent(eventID, view)?.event,
      status: (eventID) => queries.eventStatus(eventID),
      namespaces: (eventID) => store.contexts.namespacesOf(eventID),
    },
    evidence: {
      list: () =>
        store.listEvidence().map(({ evidence, ...e }) => ({
          ...e,
          first: evidence.first as Record<string, unknown>,
          second: evidence.second as Record<string, unknown>,
        })),
    },
    proofs: new ProofQueries(store, genesis, verify, parts.members, parts.sealing?.config.tiers),
    // Named-query and subscription writes wait for a block being written on the writer thread.
    query: queryBackend(
      store.index,
      () => mempool.all(),
      undefined,
      (write) => store.whenNoBlockWrite(write),
    ),
    webhooks: {
      checkDest: async (dest) => {
        await webhooks.policy.addresses(new URL(dest));
      },
      seal: (secret, id) => webhooks.secrets.seal(secret, id),
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
          consensus: { ...core.status, ...driver.state },
        };
      },
      ready: () => p2p.peers().filter((p) => p.connected).length >= 2 * f && !driver.isSyncing,
      metrics: async () => ({
        contentType: metrics.registry.contentType,
        body: await metrics.registry.metrics(),
      }),
      observeRequest: (operation, status, seconds) => metrics.observeRequest(operation, status, seconds),
      checkWritable: () => disk.checkWritable(),
      backup: async () => {
        // Beside the ledger: same file system, same permissions, never a shared temp directory.
        const file = join(config.dataDir, `backup-${randomUUID()}.sqlite.part`);
        const remove = () => rmSync(file, { force: true });
        try {
          const height = await store.backup(file);
          return { file, bytes: statSync(file).size, height, remove };
        } catch (err) {
          remove();
          throw err;
        }
      },
    },
  };
}

function dryRunResult(result: TxResult): DryRunResult {
  return {
    dryRun: true,
    success: result.success,
    events: result.verdicts.map((v) =>
      v.accepted
        ? { eventID: v.eventID, status: 'accepted' as const }
        : {
            eventID: v.eventID,
            status: 'rejected' as const,
            reason: { code: v.code ?? 'REJECTED', message: v.message ?? '' },
          },
    ),
    errors: result.errors,
  };
}

/**
 * The issuer keys of the members in force for the next block, read live: a member admitted,
 * removed or re-keyed by governance is trusted, refused or re-keyed without a restart. This org's
 * own entry comes from its config too: a member admitted after genesis knows itself before its
 * node has caught up to its admission.
 */
function memberIssuers(
  members: Pick<MemberBook, 'at'>,
  store: Pick<Store, 'tip'>,
  self: { id: string; jwtIssuerKey: PublicJwk },
): IssuerKeys {
  const now = () => members.at(store.tip().height + 1);
  return {
    get: (org) => now().get(org)?.jwtIssuerKey ?? (org === self.id ? self.jwtIssuerKey : undefined),
  };
}
