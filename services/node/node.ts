import type { FastifyInstance } from 'fastify';
import { buildApi } from '../api/index.js';
import { LedgerApp, MemberBook, type OnCommitted, RuleRegistry } from '../chain/index.js';
import { createLogger, ErrorCode, type Logger, WaybillError } from '../common/index.js';
import type { NodeConfig } from '../config/index.js';
import { type Clock, ConsensusDriver, createConsensusCore } from '../consensus/index.js';
import { createSigner, verify } from '../crypto/index.js';
import { Mempool } from '../mempool/index.js';
import type { P2PNetwork } from '../p2p/index.js';
import { createP2PNetwork } from '../p2p/index.js';
import { Store } from '../storage/index.js';
import { DestPolicy, SecretBox, sealPlainSecrets } from '../subscriptions/index.js';
import { apiDeps } from './api-deps.js';
import { BlockWriter } from './block-writer.js';
import { CommitWaiter } from './commit-waiter.js';
import { consensusTransport, driverObserver, realTimers } from './driver-ports.js';
import { EvidenceReporter } from './evidence-reporter.js';
import { Gossip } from './gossip.js';
import { heapFigures } from './heap.js';
import { admitted, followMembers, p2pMembers, validatorList } from './membership.js';
import { NodeMetrics } from './metrics.js';
import { sealingOf } from './sealing.js';
import { deliveryWorker } from './subscription-worker.js';
import { certifyProofsPromptly, commitBookkeeping, wire } from './wiring.js';

export interface WaybillNode {
  readonly config: NodeConfig;
  readonly api: FastifyInstance;
  readonly store: Store;
  readonly p2p: P2PNetwork;
  readonly metrics: NodeMetrics;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** The node cannot go on safely; the default logs and stops it. */
  onFatal?: (err: unknown) => void;
  /** The node's one clock; every `now` in node/ reads it. Wall time unless a test gives another. */
  clock?: Clock;
}

/** Starts a node: storage, ledger, consensus, P2P, then the API. Stop runs in reverse. */
export async function startNode(config: NodeConfig, opts: StartOptions = {}): Promise<WaybillNode> {
  const { genesis } = config;
  const clock = opts.clock ?? Date.now;
  const logger = opts.logger ?? createLogger(config.logLevel, { org: config.org });
  const identity = {
    network: genesis.network,
    genesisHash: config.genesisHash,
    genesisTimestamp: genesis.timestamp,
  };
  const store = Store.open(config.dataDir, identity);
  // Committed blocks execute and commit on their own thread and connection (block-writer.ts):
  // the API's event loop keeps answering from this one meanwhile (docs/architecture.md).
  const writer = new BlockWriter({ dataDir: config.dataDir, identity, genesis });
  const mempool = new Mempool(config.mempool);
  const signer = createSigner(config.seed);
  const members = new MemberBook(store, genesis.members, genesis.grants ?? []);
  const rules = new RuleRegistry(
    store,
    genesis.rules,
    members,
    (height) => members.at(height).quorum,
    genesis.privacy === 'sealed',
  );
  const metrics = new NodeMetrics();
  const sealing = sealingOf(config, store, members, logger);
  // What runs after each commit, in this order; filled below once every step exists.
  const afterCommit: OnCommitted[] = [];
  const app = new LedgerApp({
    genesis,
    self: config.org,
    store,
    mempool,
    signer,
    rules,
    members,
    clock,
    ...(sealing ? { sealing: sealing.config } : {}),
    onCommitted: (committed, execution) => {
      for (const step of afterCommit) step(committed, execution);
    },
    onLatency: (seconds) => metrics.commitLatency.observe(seconds),
    applier: {
      apply: (committed) => {
        metrics.applying.set(committed.block.header.height);
        return writer.apply(committed).finally(() => metrics.applying.set(0));
      },
    },
  });
  app.receive(store.pendingTxs());

  const core = createConsensusCore({
    network: genesis.network,
    self: config.org,
    validators: validatorList(members.at(1)),
    validatorsAt: (height) => validatorList(members.at(height)),
    timeouts: genesis.consensus,
    signer,
    verify,
    validateBlock: (block) => app.validateBlock(block),
    acceptProposal: (block, now) => app.acceptProposal(block, now),
  });
  const p2p = await createP2PNetwork({
    self: config.org,
    seed: config.seed,
    listen: config.p2p.listen,
    members: p2pMembers(members.at(store.tip().height + 1)),
    logger,
  });
  let node: WaybillNode | undefined;
  const onFatal =
    opts.onFatal ??
    ((err: unknown) => {
      logger.fatal({ err }, 'consensus halted; stopping the node');
      void node?.stop();
    });
  metrics.watchP2P(() => ({ ...p2p.stats() }));
  metrics.watchHeaps(() => ({ main: heapFigures(), writer: writer.heap() }));
  const gossip = new Gossip({ p2p, mempool, self: config.org, clock });
  const reporter = new EvidenceReporter({ app, gossip, metrics, logger });
  const driver = new ConsensusDriver({
    core,
    clock,
    timers: realTimers,
    transport: consensusTransport(p2p),
    store,
    app,
    observer: driverObserver({
      logger,
      metrics,
      onFatal,
      onEvidence: (evidence) => reporter.report(evidence),
    }),
  });
  const waiter = new CommitWaiter(store);
  const webhooks = {
    policy: new DestPolicy({ allow: config.subscriptions.allowedDestinations, self: config.api }),
    secrets: SecretBox.fromKeyFile(config.subscriptions.secretKeyPath),
  };
  sealPlainSecrets(store.index.subscriptions, webhooks.secrets);
  // Each service gets the components it declares (wiring.ts, subscription-worker.ts, api-deps.ts).
  const mempoolSignal = { mempool, metrics, driver, clock };
  wire({ ...mempoolSignal, p2p, app, gossip, logger, core, store });
  const subscriptions = deliveryWorker({ store, metrics, logger, webhooks });
  afterCommit.push(
    commitBookkeeping({ metrics, gossip, core }),
    followMembers({ members, p2p, logger, store }),
    (committed) => waiter.committed(committed),
    () => subscriptions.wake(),
    certifyProofsPromptly(mempoolSignal),
  );
  if (sealing) {
    // Opened before the subscriptions worker wakes for the same block would be better still;
    // deliveries of a block not yet opened carry the public view (docs/privacy.md).
    afterCommit.unshift((committed) =>
      sealing.unsealer.committed(committed.block.header.height, committed.block),
    );
    sealing.unsealer.committed(store.tip().height);
  }
  metrics.height.set(store.tip().height);

  const api = buildApi(
    apiDeps({
      config,
      clock,
      logger,
      metrics,
      store,
      mempool,
      app,
      core,
      p2p,
      driver,
      gossip,
      rules,
      members,
      waiter,
      webhooks,
      sealing,
    }),
    { logger, rateLimit: config.api.rateLimit },
  );
  try {
    await writer.ready;
    await p2p.start();
    driver.start();
    gossip.start();
    await admitted({ members, store, config, logger });
    await api.listen({ host: config.api.host, port: config.api.port });
    subscriptions.start();
  } catch (err) {
    await api.close().catch(() => undefined);
    await subscriptions.stop();
    gossip.stop();
    driver.stop();
    await p2p.stop().catch(() => undefined);
    await writer.close();
    store.close();
    throw explainStartError(err, config);
  }
  logger.info({ api: `${config.api.host}:${config.api.port}`, height: store.tip().height }, 'node started');

  let stopping: Promise<void> | undefined;
  node = {
    config,
    api,
    store,
    p2p,
    metrics,
    stop: () => {
      stopping ??= (async () => {
        await api.close();
        await subscriptions.stop(); // its deliveries read and write the store
        gossip.stop();
        driver.stop();
        await p2p.stop();
        await sealing?.unsealer.idle();
        await writer.close(); // the block it is applying, if any, commits first
        store.close();
        logger.info('node stopped');
      })();
      return stopping;
    },
  };
  return node;
}

/** A port in use is an operator's everyday mistake: say which one and where it is configured. */
function explainStartError(err: unknown, config: NodeConfig): unknown {
  const text = `${(err as { code?: string }).code ?? ''} ${(err as Error).message ?? ''}`;
  if (!text.includes('EADDRINUSE')) return err;
  return new WaybillError(
    ErrorCode.ConfigInvalid,
    `an address of this node is already in use (API ${config.api.host}:${config.api.port}, P2P ${config.p2p.listen.join(' ')}); ` +
      `stop the other process or change api.port / p2p.listen in ${config.configPath}`,
  );
}
