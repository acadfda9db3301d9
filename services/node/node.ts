import type { FastifyInstance } from 'fastify';
import { buildApi } from '../api/index.js';
import type { ApiDeps } from '../api/types.js';
import { fromHex } from '../common/encoding.js';
import { createLogger, type Logger } from '../common/logger.js';
import { p2pMultiaddr } from '../config/address.js';
import type { NodeConfig } from '../config/load.js';
import { createConsensusCore } from '../consensus/index.js';
import type { ConsensusCore } from '../consensus/types.js';
import { createSigner, verify } from '../crypto/index.js';
import { quorumOf } from '../ledger/index.js';
import { Mempool } from '../mempool/index.js';
import { createP2PNetwork } from '../p2p/index.js';
import type { P2PNetwork } from '../p2p/types.js';
import { Store } from '../storage/index.js';
import { decodeConsensus, decodeSyncRequest, decodeTxBatch, encode } from './codec.js';
import { ConsensusDriver } from './driver.js';
import { Gossip } from './gossip.js';
import { LedgerApp } from './ledger-app.js';
import { LedgerQueries } from './queries.js';

export interface WaybillNode {
  readonly config: NodeConfig;
  readonly api: FastifyInstance;
  readonly store: Store;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** The node cannot go on safely; the default logs and stops it. */
  onFatal?: (err: unknown) => void;
}

const SYNC_MAX_BYTES = 8 * 1024 * 1024;

/** Starts a node: storage, ledger, consensus, P2P, then the API. Stop runs in reverse. */
export async function startNode(config: NodeConfig, opts: StartOptions = {}): Promise<WaybillNode> {
  const { genesis } = config;
  const logger = opts.logger ?? createLogger(config.logLevel, { org: config.org });
  const store = Store.open(config.dataDir, {
    network: genesis.network,
    genesisHash: config.genesisHash,
    genesisTimestamp: genesis.timestamp,
  });
  const mempool = new Mempool(config.mempool);
  const signer = createSigner(config.seed);
  const app = new LedgerApp({ genesis, self: config.org, store, mempool, signer });
  app.receive(store.pendingTxs());

  const core = createConsensusCore({
    network: genesis.network,
    self: config.org,
    validators: genesis.members.map((m) => ({ id: m.id, publicKey: fromHex(m.publicKey) })),
    timeouts: genesis.consensus,
    signer,
    verify,
    validateBlock: (block) => app.validateBlock(block),
  });
  const p2p = await createP2PNetwork({
    self: config.org,
    seed: config.seed,
    listen: config.p2p.listen,
    members: genesis.members.map((m) => ({
      id: m.id,
      peerId: m.peerId,
      addrs: [p2pMultiaddr(m.host, m.p2pPort)],
    })),
    logger,
  });
  let node: WaybillNode | undefined;
  const onFatal =
    opts.onFatal ??
    ((err: unknown) => {
      logger.fatal({ err }, 'consensus halted; stopping the node');
      void node?.stop();
    });
  const driver = new ConsensusDriver({ core, store, p2p, app, logger, clock: Date.now, onFatal });
  const gossip = new Gossip({ p2p, mempool, self: config.org });
  wire({ p2p, app, driver, gossip, store, mempool, logger });

  await p2p.start();
  driver.start();
  gossip.start();
  const api = buildApi(apiDeps(config, { store, mempool, app, core, p2p, driver, gossip }), { logger });
  await api.listen({ host: config.api.host, port: config.api.port });
  logger.info({ api: `${config.api.host}:${config.api.port}`, height: store.tip().height }, 'node started');

  let stopping: Promise<void> | undefined;
  node = {
    config,
    api,
    store,
    stop: () => {
      stopping ??= (async () => {
        await api.close();
        gossip.stop();
        driver.stop();
        await p2p.stop();
        store.close();
        logger.info('node stopped');
      })();
      return stopping;
    },
  };
  return node;
}

interface Parts {
  p2p: P2PNetwork;
  app: LedgerApp;
  driver: ConsensusDriver;
  gossip: Gossip;
  store: Store;
  mempool: Mempool;
  logger: Logger;
}

function wire({ p2p, app, driver, gossip, store, mempool, logger }: Parts): void {
  const txsAvailable = () =>
    driver.dispatch({ type: 'txs_available', available: mempool.size > 0, now: Date.now() });
  p2p.onMessage('consensus', (from, payload) => {
    const message = decodeConsensus(payload);
    if (!message) return logger.warn({ peer: from }, 'malformed consensus message dropped');
    driver.dispatch({ type: 'message', from, message, now: Date.now() });
  });
  p2p.onMessage('mempool', (from, payload) => {
    const batch = decodeTxBatch(payload);
    if (!batch) return logger.warn({ peer: from }, 'malformed transaction batch dropped');
    if (app.receive(batch.txs).length > 0) txsAvailable();
  });
  p2p.handle('sync', async (_from, payload) => {
    const request = decodeSyncRequest(payload);
    const blocks = [];
    let bytes = 0;
    for (
      let h = request?.from ?? 1;
      request && h < request.from + request.limit && bytes < SYNC_MAX_BYTES;
      h++
    ) {
      const committed = store.getBlock(h);
      if (!committed) break;
      bytes += JSON.stringify(committed).length;
      blocks.push(committed);
    }
    return encode({ blocks });
  });
  p2p.onPeerConnected((peer) => {
    driver.dispatch({ type: 'peer_connected', peer, now: Date.now() });
    gossip.sendPendingTo(peer);
  });
  app.on('commit', (committed) => {
    for (const tx of committed.block.txs) gossip.forget(tx.id);
    txsAvailable();
  });
}

interface ApiParts {
  store: Store;
  mempool: Mempool;
  app: LedgerApp;
  core: ConsensusCore;
  p2p: P2PNetwork;
  driver: ConsensusDriver;
  gossip: Gossip;
}

function apiDeps(config: NodeConfig, parts: ApiParts): ApiDeps {
  const { store, mempool, app, core, p2p, driver, gossip } = parts;
  const { genesis } = config;
  const queries = new LedgerQueries(store, mempool);
  const { f } = quorumOf(genesis.members.length);
  return {
    network: genesis.network,
    org: config.org,
    issuers: new Map(genesis.members.map((m) => [m.id, m.jwtIssuerKey])),
    bodyLimit: config.api.bodyLimit,
    capture: {
      submit: async (document, ctx) => {
        const { tx, fresh } = app.submit(document, ctx);
        if (fresh) {
          gossip.announce(tx);
          driver.dispatch({ type: 'txs_available', available: true, now: Date.now() });
        }
        return { captureID: tx.id };
      },
      job: (id) => queries.captureJob(id),
    },
    events: {
      get: (eventID) => store.getEvent(eventID)?.event,
      status: (eventID) => queries.eventStatus(eventID),
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
    },
  };
}
