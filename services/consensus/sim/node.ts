import { createConsensusCore } from '../core.js';
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

type TimeoutAction = Extract<ConsensusAction, { type: 'schedule_timeout' }>;

/** What a simulated node needs from the simulator: the network, timers and the other nodes. */
export interface SimHost {
  readonly monitor: Monitor;
  send(from: number, to: number, message: ConsensusMessage): void;
  broadcast(from: number, message: ConsensusMessage): void;
  setTimer(node: number, incarnation: number, timeout: TimeoutAction): void;
  /** `server` sends `client` its decisions from height `from`, at most `count` of them. */
  serveDecisions(server: number, client: number, from: number, count: number): void;
  /** The processes running as `id`: one, two for a member with a twin, none for a stranger. */
  processesOf(id: string): readonly number[];
}

export interface SimNodeStats {
  roundChanges: number;
  crashes: number;
  /** Evidence actions of the core. */
  evidence: number;
  /** Count of each info/warn log event of the core (restored, invalid_signature, ...). */
  events: Map<string, number>;
}

const SYNC_BATCH = 50;
const PUSH_BATCH = 20;

/**
 * One simulated node: an unchanged consensus core plus the same driver duties as
 * services/consensus/driver.ts (actions in order, `build_block` answered after the current actions),
 * with the network, timers and storage simulated. `persisted` and the app's chain survive a crash;
 * the core and everything else in memory do not.
 */
export class SimNode {
  core: ConsensusCore | null = null;
  /** Timers of an earlier incarnation are ignored, as they would die with the process. */
  incarnation = 0;
  persisted: PersistedState | null = null;
  /** A Byzantine member's node: everything its core sends goes through the adversary. */
  adversary: Adversary | null = null;
  readonly stats: SimNodeStats = { roundChanges: 0, crashes: 0, evidence: 0, events: new Map() };
  private readonly inbox: ConsensusInput[] = [];

  constructor(
    readonly index: number,
    readonly id: string,
    readonly app: SimApp,
    private readonly config: ConsensusConfig,
    private readonly host: SimHost,
    /** This node's clock minus the simulator's clock: clocks of real machines differ. */
    readonly skewMs: number,
    private readonly trace?: (line: string) => void,
  ) {}

  get alive(): boolean {
    return this.core !== null;
  }

  boot(now: number): void {
    this.core = createConsensusCore(this.config);
    this.incarnation++;
    this.handle({ type: 'start', tip: this.app.tip(), now, persisted: this.persisted });
    if (this.app.pending > 0) this.handle({ type: 'txs_available', available: true, now });
  }

  /** `amnesia` loses the persisted state too: a broken driver, for showing the checks bite. */
  crash(amnesia = false): void {
    if (amnesia) this.persisted = null;
    this.core = null;
    this.incarnation++;
    this.inbox.length = 0;
    this.app.crash();
    this.stats.crashes++;
  }

  /** Feeds one input, then any inputs its actions queued, like the real driver's loop. */
  handle(input: ConsensusInput): void {
    if (!this.core) return;
    this.inbox.push(input);
    if (this.inbox.length > 1) return;
    for (let next = this.inbox[0]; next && this.core; next = this.inbox[0]) {
      this.trace?.(`<- ${describe(next)}`);
      for (const action of this.core.step(next)) {
        this.trace?.(`-> ${describe(action)}`);
        this.execute(action, next.now);
      }
      this.inbox.shift();
    }
  }

  private execute(a: ConsensusAction, now: number): void {
    const { host } = this;
    switch (a.type) {
      case 'persist':
        this.persisted = a.state;
        break;
      case 'broadcast':
        host.monitor.sent(this.id, a.message);
        if (this.adversary) this.adversary.broadcast(a.message);
        else host.broadcast(this.index, a.message);
        break;
      case 'send':
        host.monitor.sent(this.id, a.message);
        this.sendTo(a.to, a.message);
        break;
      case 'schedule_timeout':
        host.setTimer(this.index, this.incarnation, a);
        break;
      case 'build_block': {
        const block = this.app.build(a.height, a.round, a.parentHash, a.minTimestamp, now);
        this.inbox.push({ type: 'block_built', height: a.height, round: a.round, block, now });
        break;
      }
      case 'commit':
        host.monitor.commit(this.id, this.app.tip(), this.app.committedTxs, a.block, a.hash, a.certificate);
        this.app.commit(a.block, a.hash, a.certificate);
        this.inbox.push({ type: 'txs_available', available: this.app.pending > 0, now });
        break;
      case 'sync_from':
        this.withPeer(a.peer, (peer) =>
          host.serveDecisions(peer, this.index, this.app.height + 1, SYNC_BATCH),
        );
        break;
      case 'peer_behind':
        this.withPeer(a.peer, (peer) => host.serveDecisions(this.index, peer, a.height, PUSH_BATCH));
        break;
      case 'evidence':
        host.monitor.reportEvidence(this.id, a.evidence);
        this.stats.evidence++;
        break;
      case 'log':
        this.count(a);
        break;
    }
  }

  private sendTo(id: string, message: ConsensusMessage): void {
    this.withPeer(id, (peer) =>
      this.adversary ? this.adversary.send(peer, message) : this.host.send(this.index, peer, message),
    );
  }

  /** Both processes of a twinned peer get it: the real network cannot tell them apart either. */
  private withPeer(id: string, f: (peer: number) => void): void {
    if (id === this.id) return;
    for (const peer of this.host.processesOf(id)) f(peer);
  }

  private count(a: Extract<ConsensusAction, { type: 'log' }>): void {
    if (a.event === 'round_started') this.stats.roundChanges++;
    if (a.level !== 'debug') this.stats.events.set(a.event, (this.stats.events.get(a.event) ?? 0) + 1);
  }
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
