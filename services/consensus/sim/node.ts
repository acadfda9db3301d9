import { createConsensusCore } from '../core.js';
import { ConsensusDriver, type FetchAnswer } from '../driver.js';
import type {
  ConsensusAction,
  ConsensusConfig,
  ConsensusCore,
  ConsensusInput,
  ConsensusMessage,
  PersistedState,
} from '../types.js';
import type { SimApp } from './app.js';
import type { Adversary } from './byzantine.js';
import type { Monitor } from './monitor.js';

/** A virtual timer: the simulator fires it off its event queue unless it was cleared. */
export interface SimTimer {
  live: boolean;
  fire(): void;
}

/** What a simulated node needs from the simulator: the network, timers, time and the other nodes. */
export interface SimHost {
  readonly monitor: Monitor;
  send(from: number, to: number, message: ConsensusMessage): void;
  broadcast(from: number, message: ConsensusMessage): void;
  setTimer(fire: () => void, delayMs: number): SimTimer;
  /** The node's own clock (simulated time plus its skew). */
  clock(node: number): number;
  /** A catch-up request from `client` to `server` and its answer, each crossing the network. */
  fetchBlocks(
    client: number,
    server: number,
    from: number,
    limit: number,
    reply: (a: FetchAnswer) => void,
  ): void;
  /** The processes running as `id`: one, two for a member with a twin, none for a stranger. */
  processesOf(id: string): readonly number[];
  /** Identities of the other member processes, as a node's connected peers. */
  peerIds(node: number): string[];
}

export interface SimNodeStats {
  roundChanges: number;
  crashes: number;
  /** Evidence actions of the core. */
  evidence: number;
  /** Count of each info/warn log event of the core (restored, invalid_signature, ...). */
  events: Map<string, number>;
  /** Catch-up: batches the driver asked peers for, and blocks committed from decisions. */
  syncRequests: number;
  syncedBlocks: number;
}

/**
 * One simulated node: an unchanged consensus core run by the node's own driver
 * (services/consensus/driver.ts) on virtual ports: the simulator's clock, timers and network, a
 * consensus store in memory and the simulated app. `persisted` and the app's chain survive a crash
 * (they stand for the node's SQLite file); the core, the driver and everything else do not.
 */
export class SimNode {
  /** Null while the node is down. */
  driver: ConsensusDriver | null = null;
  core: ConsensusCore | null = null;
  persisted: PersistedState | null = null;
  /** A Byzantine member's node: everything its core sends goes through the adversary. */
  adversary: Adversary | null = null;
  readonly stats: SimNodeStats = {
    roundChanges: 0,
    crashes: 0,
    evidence: 0,
    events: new Map(),
    syncRequests: 0,
    syncedBlocks: 0,
  };
  /** Signatures of every own message ever made durable: a send must find its message here. */
  private readonly durable = new Set<string>();

  constructor(
    readonly index: number,
    readonly id: string,
    readonly app: SimApp,
    private readonly config: ConsensusConfig,
    private readonly host: SimHost,
    /** This node's clock minus the simulator's clock: clocks of real machines differ. */
    readonly skewMs: number,
    private readonly trace?: (line: string) => void,
    private readonly lazyPersist = false,
  ) {}

  get alive(): boolean {
    return this.driver !== null;
  }

  boot(): void {
    const core = traced(createConsensusCore(this.config), this.trace);
    this.core = core;
    this.driver = new ConsensusDriver({
      core,
      clock: () => this.now(),
      timers: {
        set: (fn, delayMs) => this.host.setTimer(fn, delayMs),
        clear: (handle) => {
          (handle as SimTimer).live = false;
        },
      },
      transport: {
        broadcast: (message) => this.broadcast(message),
        send: (to, message) => this.sendTo(to, message),
        connectedPeers: () => this.host.peerIds(this.index),
        fetchBlocks: (peer, from, limit, reply) => {
          this.stats.syncRequests++;
          const server = this.host.processesOf(peer)[0];
          if (server === undefined || peer === this.id) reply({ error: new Error(`no process ${peer}`) });
          else this.host.fetchBlocks(this.index, server, from, limit, reply);
        },
      },
      store: {
        tip: () => this.app.tip(),
        loadConsensusState: () => this.persisted,
        saveConsensusState: (state) => this.persist(state),
        getBlock: (height) => this.app.chain[height - 1],
      },
      app: {
        buildBlock: (height, round, parentHash, minTimestamp, now) =>
          this.app.build(height, round, parentHash, minTimestamp, now),
        commit: (block, hash, certificate) => {
          const { monitor } = this.host;
          const validators = this.app.validatorsAt(block.header.height);
          monitor.commit(
            this.id,
            this.app.tip(),
            this.app.committedTxs,
            block,
            hash,
            certificate,
            validators,
          );
          this.app.commit(block, hash, certificate);
          this.input({ type: 'txs_available', available: this.app.pending > 0, now: this.now() });
        },
      },
      observer: {
        log: (action) => this.count(action),
        synced: (blocks) => {
          this.stats.syncedBlocks += blocks;
        },
        syncFailed: () => undefined,
        syncError: () => undefined,
        evidence: (evidence) => {
          this.host.monitor.reportEvidence(this.id, evidence);
          this.stats.evidence++;
        },
        fatal: (err) => {
          throw err;
        },
      },
    });
    this.driver.start();
    if (this.app.pending > 0) this.input({ type: 'txs_available', available: true, now: this.now() });
  }

  /** `amnesia` loses the persisted state too: a broken driver, for showing the checks bite. */
  crash(amnesia = false): void {
    if (amnesia) {
      this.persisted = null;
      this.durable.clear();
    }
    this.driver?.stop();
    this.driver = null;
    this.core = null;
    this.app.crash();
    this.stats.crashes++;
  }

  /** One input through the driver, as the node's p2p handlers, mempool and timers feed it. */
  input(input: ConsensusInput): void {
    this.driver?.dispatch(input);
  }

  now(): number {
    return this.host.clock(this.index);
  }

  private persist(state: PersistedState): void {
    if (this.lazyPersist) {
      // The previous save reaches the disk only now (a broken store: see SimConfig.lazyPersist).
      for (const m of this.persisted?.sent ?? []) this.durable.add(m.signature);
      this.persisted = state;
      return;
    }
    this.persisted = state;
    for (const m of state.sent) this.durable.add(m.signature);
  }

  private broadcast(message: ConsensusMessage): void {
    this.checkDurable(message);
    this.host.monitor.sent(this.id, message);
    if (this.adversary) this.adversary.broadcast(message);
    else this.host.broadcast(this.index, message);
  }

  private sendTo(id: string, message: ConsensusMessage): void {
    this.checkDurable(message);
    this.host.monitor.sent(this.id, message);
    // Both processes of a twinned peer get it: the real network cannot tell them apart either.
    if (id === this.id) return;
    for (const peer of this.host.processesOf(id)) {
      if (this.adversary) this.adversary.send(peer, message);
      else this.host.send(this.index, peer, message);
    }
  }

  /** Crash safety: an own proposal or vote leaves the node only once the state holding it is durable. */
  private checkDurable(m: ConsensusMessage): void {
    if (m.type === 'decision' || (m.type === 'proposal' ? m.proposer : m.voter) !== this.id) return;
    if (!this.durable.has(m.signature)) this.host.monitor.sentUnpersisted(this.id, m);
  }

  private count(a: Extract<ConsensusAction, { type: 'log' }>): void {
    if (a.event === 'round_started') this.stats.roundChanges++;
    if (a.level !== 'debug') this.stats.events.set(a.event, (this.stats.events.get(a.event) ?? 0) + 1);
  }
}

/** The core with every input and action written to the trace, when there is one. */
function traced(core: ConsensusCore, trace?: (line: string) => void): ConsensusCore {
  if (!trace) return core;
  return {
    get status() {
      return core.status;
    },
    step(input) {
      trace(`<- ${describe(input)}`);
      const actions = core.step(input);
      for (const a of actions) trace(`-> ${describe(a)}`);
      return actions;
    },
  };
}

const SHORTENED = new Set(['signature', 'certificate', 'hash', 'blockHash', 'parentHash']);

/** Compact one-line form of an input or action for traces: blocks shown by height and tx count. */
function describe(x: ConsensusInput | ConsensusAction): string {
  return JSON.stringify(x, (key, value) => {
    if (key === 'block' || key === 'lockedBlock' || key === 'validBlock') {
      return value && `block h${value.header.height} v${value.header.view} ${value.txs.length} txs`;
    }
    if (SHORTENED.has(key)) {
      return typeof value === 'string' ? value.slice(0, 8) : value && '{cert}';
    }
    return value;
  });
}
