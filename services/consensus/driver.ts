import type { Block, CommitCertificate, CommittedBlock } from '../ledger/index.js';
import { type PacedWork, RoundPacer } from './pacing.js';
import type {
  ChainTip,
  ConsensusAction,
  ConsensusCore,
  ConsensusInput,
  ConsensusMessage,
  Evidence,
  PersistedState,
} from './types.js';

/** What the driver needs from the application (the ledger). */
export interface ConsensusApp {
  buildBlock(height: number, round: number, parentHash: string, minTimestamp: number, now: number): Block;
  /**
   * Applies a decided block. A promise means it is applied elsewhere (a node's block writer thread):
   * the driver carries out nothing else (no further action, no new input) until it settles, so the
   * next height is never built, validated or voted on before its parent is stored.
   */
  commit(block: Block, hash: string, certificate: CommitCertificate): void | PromiseLike<void>;
  /** A peer's proposal or decision with the transactions this node already verified (known-txs.ts). */
  adoptKnownTxs?(message: ConsensusMessage): ConsensusMessage;
}

/** The one source of time: Date.now on a node, virtual time in the simulator. */
export type Clock = () => number;

/** Timers: setTimeout on a node, the simulator's event queue in a simulation. */
export interface Timers {
  set(fn: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

/** The consensus messages' way out, and the catch-up requests'. */
export interface ConsensusTransport {
  broadcast(message: ConsensusMessage): void;
  send(to: string, message: ConsensusMessage): void;
  /** Connected members other than this node, for catch-up. */
  connectedPeers(): string[];
  /**
   * Asks `peer` for up to `limit` committed blocks from `from` on; `reply` gets them, or the error,
   * exactly once. A callback rather than a promise so that the simulator, which runs every node
   * synchronously off one event queue, can answer it from that queue.
   */
  fetchBlocks(peer: string, from: number, limit: number, reply: (answer: FetchAnswer) => void): void;
}

/** A catch-up request's outcome. */
export type FetchAnswer = { blocks: readonly CommittedBlock[] } | { error: unknown };

/** Consensus state and the committed chain, as far as the driver reads and writes them. */
export interface ConsensusStore {
  tip(): ChainTip;
  loadConsensusState(): PersistedState | null;
  /** Synchronous and durable: the driver relies on it being on disk when it returns. */
  saveConsensusState(state: PersistedState): void;
  getBlock(height: number): CommittedBlock | undefined;
}

/** What the driver reports: the core's log lines, catch-up progress, evidence, a fatal failure. */
export interface DriverObserver {
  log(action: Extract<ConsensusAction, { type: 'log' }>): void;
  synced(blocks: number): void;
  /** A catch-up batch from `peer` brought no block. */
  syncFailed(peer: string): void;
  /** A catch-up request to `peer` failed. */
  syncError(peer: string, err: unknown): void;
  /** Consensus saw a member sign two conflicting messages. */
  evidence(evidence: Evidence): void;
  /** Called when the node cannot go on safely (e.g. a block failed to commit). */
  fatal(err: unknown): void;
  /** A block built, validated or applied, with how long it took (what the pacer measures). */
  measured?(work: PacedWork, ms: number): void;
}

/** The driver's ports: the node supplies real ones, the simulator virtual ones. */
export interface DriverPorts {
  core: ConsensusCore;
  clock: Clock;
  timers: Timers;
  transport: ConsensusTransport;
  store: ConsensusStore;
  app: ConsensusApp;
  observer: DriverObserver;
  /**
   * Adaptive step timeouts from the measured block build, validation and apply times (pacing.ts);
   * a default RoundPacer when absent.
   */
  pacer?: RoundPacer;
}

/** What the driver carries out: the core's actions, and its own bookkeeping queued behind them. */
type Then = { type: 'then'; callback: () => void };
type DriverAction = ConsensusAction | { type: 'synced'; before: number } | Then;

/** What the driver is doing besides waiting for inputs, for status endpoints. */
export interface DriverState {
  /** How long the block being committed has been applying elsewhere, or null. */
  applyingMs: number | null;
  /** Inputs waiting behind that commit. */
  queued: number;
  syncing: boolean;
}

/**
 * A commit still unapplied after this long is logged at warn, and again each time as long again:
 * the driver holds every input while it waits, so a block writer that never answers would
 * otherwise stop the node without a word (docs/benchmarks/README.md, "A run that stalled").
 */
const SLOW_APPLY_MS = 30_000;

const SYNC_BATCH = 50;
const PUSH_BATCH = 20;

/**
 * The thin I/O layer around the pure consensus core: feeds it inputs one at a time and carries
 * out its actions in order. The store is synchronous, so a `persist` is on disk before the
 * `broadcast` that follows it leaves the node. Everything outside the core comes through ports
 * (clock, timers, transport, store, app), so the node and the simulator run this same driver.
 */
export class ConsensusDriver {
  private readonly queue: (ConsensusInput | Then)[] = [];
  /** Actions of the current input not yet carried out (they wait while a commit is applied). */
  private readonly actions: DriverAction[] = [];
  private readonly timers = new Set<unknown>();
  private draining = false;
  /** A commit is being applied elsewhere: everything else waits for it. */
  private applying = false;
  /** When that commit was handed over (clock reading). */
  private applyingSince = 0;
  private stopped = false;
  private syncing = false;
  readonly pacer: RoundPacer;

  constructor(private readonly deps: DriverPorts) {
    this.pacer = deps.pacer ?? new RoundPacer();
  }

  get isSyncing(): boolean {
    return this.syncing;
  }

  get state(): DriverState {
    return {
      applyingMs: this.applying ? this.deps.clock() - this.applyingSince : null,
      queued: this.queue.length,
      syncing: this.syncing,
    };
  }

  start(): void {
    const { store, clock } = this.deps;
    this.dispatch({ type: 'start', tip: store.tip(), now: clock(), persisted: store.loadConsensusState() });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) this.deps.timers.clear(t);
    this.timers.clear();
    this.queue.length = 0;
    this.actions.length = 0;
  }

  dispatch(input: ConsensusInput): void {
    if (this.stopped) return;
    this.queue.push(input);
    this.drain();
  }

  /**
   * Carries out the pending actions in order, then the next input's, until nothing is left or a
   * commit is being applied; the commit's settling drains again.
   */
  private drain(): void {
    if (this.draining || this.applying) return;
    this.draining = true;
    try {
      while (!this.stopped && !this.applying) {
        const action = this.actions.shift();
        if (action) {
          this.execute(action);
          continue;
        }
        const next = this.queue.shift();
        if (!next) break;
        if (next.type === 'then') this.execute(next);
        else this.step(next);
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.draining = false;
    }
  }

  private fail(err: unknown): void {
    this.stop();
    this.deps.observer.fatal(err);
  }

  private step(input: ConsensusInput): void {
    // Decisions are catch-up: pulled by syncFrom or pushed by a peer that saw us behind.
    const catchUp = input.type === 'message' && input.message.type === 'decision';
    const before = catchUp ? this.deps.store.tip().height : 0;
    // A proposal's step is where the core validates its block (config.validateBlock).
    const validates = input.type === 'message' && input.message.type === 'proposal';
    const started = validates ? this.deps.clock() : 0;
    const actions = this.deps.core.step(input);
    if (validates) this.measure('validate', this.deps.clock() - started);
    this.actions.push(...actions);
    if (catchUp) this.actions.push({ type: 'synced', before });
  }

  private execute(action: DriverAction): void {
    const { store, transport, app, clock } = this.deps;
    switch (action.type) {
      case 'persist':
        store.saveConsensusState(action.state);
        return;
      case 'broadcast':
        transport.broadcast(action.message);
        return;
      case 'send':
        transport.send(action.to, action.message);
        return;
      case 'schedule_timeout':
        this.schedule(action);
        return;
      case 'build_block': {
        const { height, round, parentHash, minTimestamp } = action;
        const started = clock();
        const block = app.buildBlock(height, round, parentHash, minTimestamp, started);
        const now = clock();
        this.measure('build', now - started);
        this.queue.push({ type: 'block_built', height, round, block, now });
        return;
      }
      case 'commit': {
        const started = clock();
        const applied = app.commit(action.block, action.hash, action.certificate);
        // Applied on another thread: the time until it is stored is what the next round waits for.
        if (applied)
          this.awaitCommit(applied, action.block.header.height, () =>
            this.measure('apply', clock() - started),
          );
        else this.measure('apply', clock() - started);
        return;
      }
      case 'sync_from':
        void this.syncFrom(action.peer, action.height);
        return;
      case 'peer_behind':
        this.pushDecisions(action.peer, action.height);
        return;
      case 'log':
        this.deps.observer.log(action);
        return;
      case 'evidence':
        this.deps.observer.evidence(action.evidence);
        return;
      case 'synced':
        this.deps.observer.synced(store.tip().height - action.before);
        return;
      case 'then':
        action.callback();
        return;
    }
  }

  private measure(work: PacedWork, ms: number): void {
    this.pacer.observe(work, ms);
    this.deps.observer.measured?.(work, ms);
  }

  /** Holds every later action and input until the block is stored; a failed commit is fatal. */
  private awaitCommit(applied: PromiseLike<void>, height: number, stored: () => void): void {
    this.applying = true;
    this.applyingSince = this.deps.clock();
    const watchdog = this.watchApply(height);
    applied.then(
      () => {
        this.applying = false;
        watchdog.stop();
        stored();
        this.drain();
      },
      (err: unknown) => {
        this.applying = false;
        watchdog.stop();
        if (!this.stopped) this.fail(err);
      },
    );
  }

  /** Logs a commit that takes longer than SLOW_APPLY_MS, then at each further multiple of it. */
  private watchApply(height: number): { stop(): void } {
    const { timers, clock, observer } = this.deps;
    let handle: unknown;
    const arm = (): void => {
      handle = timers.set(() => {
        this.timers.delete(handle);
        if (this.stopped || !this.applying) return;
        const ms = clock() - this.applyingSince;
        observer.log({ type: 'log', level: 'warn', event: 'block_apply_slow', data: { height, ms } });
        arm();
      }, SLOW_APPLY_MS);
      this.timers.add(handle);
    };
    arm();
    return {
      stop: () => {
        timers.clear(handle);
        this.timers.delete(handle);
      },
    };
  }

  /** Runs `callback` once the inputs queued so far have been carried out, commits included. */
  private afterQueued(callback: () => void): void {
    if (this.stopped) return;
    this.queue.push({ type: 'then', callback });
    this.drain();
  }

  private schedule(action: Extract<ConsensusAction, { type: 'schedule_timeout' }>): void {
    const timer = this.deps.timers.set(() => {
      this.timers.delete(timer);
      const { height, round, step } = action;
      this.dispatch({ type: 'timeout', height, round, step, now: this.deps.clock() });
    }, action.delayMs + this.pacer.extraMs(action.step));
    this.timers.add(timer);
  }

  /**
   * Catch-up: pull committed blocks, a batch at a time, starting with the peer that showed it is
   * ahead. The core checks every certificate against genesis and the hash chain, so a peer that
   * withholds blocks or serves invalid ones makes no progress, and the next member is asked.
   * Written as a chain of callbacks (one batch, then decide) so the simulator can run it.
   */
  private syncFrom(peer: string, seenHeight: number): void {
    if (this.syncing) return;
    this.syncing = true;
    const { store, transport, observer } = this.deps;
    const sources = [peer, ...transport.connectedPeers().filter((p) => p !== peer)];
    let i = 0;
    let failures = 0;
    const next = (): void => {
      if (this.stopped || store.tip().height >= seenHeight - 1 || failures >= sources.length) {
        this.syncing = false;
        return;
      }
      const source = sources[i % sources.length] as string;
      this.syncBatch(source, (applied) => {
        if (applied > 0) {
          failures = 0; // stay with a source while it delivers
        } else {
          observer.syncFailed(source);
          failures++;
          i++;
        }
        next();
      });
    };
    next();
  }

  /** One batch from one peer; `done` gets how many blocks the core accepted. */
  private syncBatch(peer: string, done: (applied: number) => void): void {
    const { store, transport, observer, clock } = this.deps;
    const from = store.tip().height + 1;
    transport.fetchBlocks(peer, from, SYNC_BATCH, (answer) => {
      if ('error' in answer) {
        observer.syncError(peer, answer.error);
      } else {
        for (const { block, certificate } of answer.blocks) {
          const decision: ConsensusMessage = { type: 'decision', block, certificate };
          const message = this.deps.app.adoptKnownTxs?.(decision) ?? decision;
          this.dispatch({ type: 'message', from: peer, message, now: clock() });
        }
      }
      // Counted once the decisions are stored (a commit may be applied on another thread).
      this.afterQueued(() => done(store.tip().height - from + 1));
    });
  }

  /** A peer is behind: push it the decisions it is missing, a batch at a time. */
  private pushDecisions(peer: string, fromHeight: number): void {
    const { store, transport } = this.deps;
    const top = Math.min(store.tip().height, fromHeight + PUSH_BATCH - 1);
    for (let h = fromHeight; h <= top; h++) {
      const committed = store.getBlock(h);
      if (!committed) break;
      const { block, certificate } = committed;
      transport.send(peer, { type: 'decision', block, certificate });
    }
  }
}
