import type { Logger } from '../common/index.js';
import type {
  ConsensusAction,
  ConsensusCore,
  ConsensusInput,
  ConsensusMessage,
  Evidence,
} from '../consensus/index.js';
import type { Block, CommitCertificate } from '../ledger/index.js';
import type { P2PNetwork } from '../p2p/index.js';
import type { Store } from '../storage/index.js';
import { decodeSyncResponse, encode } from './codec.js';
import type { NodeMetrics } from './metrics.js';

/** What the driver needs from the application (the ledger). */
export interface ConsensusApp {
  buildBlock(height: number, round: number, parentHash: string, minTimestamp: number, now: number): Block;
  commit(block: Block, hash: string, certificate: CommitCertificate): void;
  /** A peer's proposal or decision with the transactions this node already verified (known-txs.ts). */
  adoptKnownTxs?(message: ConsensusMessage): ConsensusMessage;
}

export interface DriverDeps {
  core: ConsensusCore;
  store: Store;
  p2p: P2PNetwork;
  app: ConsensusApp;
  logger: Logger;
  metrics: NodeMetrics;
  clock: () => number;
  /** Consensus saw a member sign two conflicting messages. */
  onEvidence: (evidence: Evidence) => void;
  /** Called when the node cannot go on safely (e.g. a block failed to commit). */
  onFatal: (err: unknown) => void;
}

const SYNC_BATCH = 50;
const PUSH_BATCH = 20;

/**
 * The thin I/O layer around the pure consensus core: feeds it inputs one at a time and carries
 * out its actions in order. Storage is synchronous, so a `persist` is on disk before the
 * `broadcast` that follows it leaves the node.
 */
export class ConsensusDriver {
  private readonly queue: ConsensusInput[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private draining = false;
  private stopped = false;
  private syncing = false;

  constructor(private readonly deps: DriverDeps) {}

  get isSyncing(): boolean {
    return this.syncing;
  }

  start(): void {
    const { store, clock } = this.deps;
    this.dispatch({ type: 'start', tip: store.tip(), now: clock(), persisted: store.loadConsensusState() });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
  }

  dispatch(input: ConsensusInput): void {
    if (this.stopped) return;
    this.queue.push(input);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next && !this.stopped; next = this.queue.shift()) {
        this.step(next);
      }
    } catch (err) {
      this.stop();
      this.deps.onFatal(err);
    } finally {
      this.draining = false;
    }
  }

  private step(input: ConsensusInput): void {
    // Decisions are catch-up: pulled by syncFrom or pushed by a peer that saw us behind.
    const catchUp = input.type === 'message' && input.message.type === 'decision';
    const before = catchUp ? this.deps.store.tip().height : 0;
    for (const action of this.deps.core.step(input)) this.execute(action);
    if (catchUp) this.deps.metrics.syncBlocks.inc(this.deps.store.tip().height - before);
  }

  private execute(action: ConsensusAction): void {
    const { store, p2p, app, clock } = this.deps;
    switch (action.type) {
      case 'persist':
        store.saveConsensusState(action.state);
        return;
      case 'broadcast':
        p2p.broadcast('consensus', encode(action.message));
        return;
      case 'send':
        p2p.send(action.to, 'consensus', encode(action.message));
        return;
      case 'schedule_timeout':
        this.schedule(action);
        return;
      case 'build_block': {
        const { height, round, parentHash, minTimestamp } = action;
        const block = app.buildBlock(height, round, parentHash, minTimestamp, clock());
        this.queue.push({ type: 'block_built', height, round, block, now: clock() });
        return;
      }
      case 'commit':
        app.commit(action.block, action.hash, action.certificate);
        return;
      case 'sync_from':
        void this.syncFrom(action.peer, action.height);
        return;
      case 'peer_behind':
        this.pushDecisions(action.peer, action.height);
        return;
      case 'log':
        this.observe(action);
        return;
      case 'evidence':
        this.deps.onEvidence(action.evidence);
        return;
    }
  }

  private observe(action: Extract<ConsensusAction, { type: 'log' }>): void {
    const { logger, metrics } = this.deps;
    logger[action.level]({ consensus: action.event, ...action.data }, action.event);
    // Warnings are messages the core refused (bad signature, non-member, equivocation, ...).
    if (action.level === 'warn') metrics.consensusRejected.inc({ reason: action.event });
    if (action.event === 'round_started') metrics.roundChanges.inc();
  }

  private schedule(action: Extract<ConsensusAction, { type: 'schedule_timeout' }>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const { height, round, step } = action;
      this.dispatch({ type: 'timeout', height, round, step, now: this.deps.clock() });
    }, action.delayMs);
    this.timers.add(timer);
  }

  /**
   * Catch-up: pull committed blocks, a batch at a time, starting with the peer that showed it is
   * ahead. The core checks every certificate against genesis and the hash chain, so a peer that
   * withholds blocks or serves invalid ones makes no progress, and the next member is asked.
   */
  private async syncFrom(peer: string, seenHeight: number): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    const { store, p2p, metrics } = this.deps;
    const others = p2p
      .peers()
      .filter((p) => p.connected && p.id !== peer)
      .map((p) => p.id);
    const sources = [peer, ...others];
    try {
      let failures = 0;
      for (
        let i = 0;
        !this.stopped && store.tip().height < seenHeight - 1 && failures < sources.length;
        i++
      ) {
        const source = sources[i % sources.length] as string;
        const applied = await this.syncBatch(source);
        if (applied > 0) {
          failures = 0;
          i--; // stay with a source while it delivers
        } else {
          metrics.syncFailures.inc({ peer: source });
          failures++;
        }
      }
    } finally {
      this.syncing = false;
    }
  }

  /** One batch from one peer; returns how many blocks the core accepted. */
  private async syncBatch(peer: string): Promise<number> {
    const { store, p2p, logger, clock } = this.deps;
    const from = store.tip().height + 1;
    try {
      const answer = decodeSyncResponse(await p2p.request(peer, 'sync', encode({ from, limit: SYNC_BATCH })));
      for (const { block, certificate } of answer?.blocks ?? []) {
        const decision: ConsensusMessage = { type: 'decision', block, certificate };
        const message = this.deps.app.adoptKnownTxs?.(decision) ?? decision;
        this.dispatch({ type: 'message', from: peer, message, now: clock() });
      }
    } catch (err) {
      logger.warn({ peer, err: (err as Error).message }, 'sync from peer failed');
    }
    return store.tip().height - from + 1;
  }

  /** A peer is behind: push it the decisions it is missing, a batch at a time. */
  private pushDecisions(peer: string, fromHeight: number): void {
    const { store, p2p } = this.deps;
    const top = Math.min(store.tip().height, fromHeight + PUSH_BATCH - 1);
    for (let h = fromHeight; h <= top; h++) {
      const committed = store.getBlock(h);
      if (!committed) break;
      const { block, certificate } = committed;
      p2p.send(peer, 'consensus', encode({ type: 'decision', block, certificate }));
    }
  }
}
