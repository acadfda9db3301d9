import { sha256Hex } from '../../common/index.js';
import type { Signer } from '../../crypto/index.js';
import type { Transaction } from '../../ledger/index.js';
import type { FetchAnswer } from '../driver.js';
import type { ChainTip, ConsensusConfig, ConsensusMessage } from '../types.js';
import { memberChangeTx, SimApp, syntheticTx } from './app.js';
import { Adversary, Intruder } from './byzantine.js';
import {
  type CrashSpec,
  lastFaultEnd,
  removedMembers,
  type SimConfig,
  type SimResult,
  twinProcesses,
} from './config.js';
import { simKeys } from './crypto.js';
import { Monitor } from './monitor.js';
import { NetworkModel } from './network.js';
import { type SimHost, SimNode, type SimTimer } from './node.js';
import { Prng } from './prng.js';
import { EventQueue } from './queue.js';

type SimEvent =
  | { kind: 'start' | 'restart'; node: number }
  | { kind: 'deliver'; to: number; from: number; message: ConsensusMessage }
  | { kind: 'timer'; timer: SimTimer }
  | { kind: 'reply'; reply: (answer: FetchAnswer) => void; answer: FetchAnswer }
  | { kind: 'submit'; node: number; n: number }
  | { kind: 'tx'; node: number; tx: Transaction }
  | { kind: 'crash'; spec: CrashSpec }
  | { kind: 'connected'; node: number; peer: number }
  | { kind: 'heal'; groups: number[][] }
  | { kind: 'intrude'; who: number }
  | { kind: 'regossip'; node: number }
  | { kind: 'change'; k: number }
  | { kind: 'mark' };

/** Simulated wall clock at t = 0 (a fixed date, so runs replay); genesis is a second earlier. */
const EPOCH_MS = 1_750_000_000_000;
const MAX_EVENTS = 20_000_000;
/** A membership change not committed by then is handed to every live node again (a governance retry). */
const CHANGE_RETRY_MS = 2_000;
/**
 * A catch-up request that gets no answer fails after this long, as p2p's request timeout makes it
 * fail on a node (10 s there; scaled down like the simulator's consensus timeouts).
 */
const SYNC_REQUEST_TIMEOUT_MS = 2_000;

export type { ByzantineSpec, CrashSpec, SimConfig, SimResult } from './config.js';

export function runSimulation(cfg: SimConfig): SimResult {
  return new Simulation(cfg).run();
}

/**
 * A discrete-event simulation of a whole network: N unchanged consensus cores, each run by the
 * node's own driver (consensus/driver.ts) on virtual ports (node.ts), a virtual clock
 * and one queue of events ordered by (time, sequence). Nothing depends on wall time or on
 * unseeded randomness, so the same config always gives the same run.
 *
 * Processes: members 0..N-1, then a second process for each twinned Byzantine member, then
 * outsiders (non-members, no core). Partitions and the network address processes by index.
 */
class Simulation implements SimHost {
  readonly monitor: Monitor;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes: SimNode[] = [];
  private readonly intruders: Intruder[] = [];
  /** Process index -> identity, for every process (outsiders included). */
  private readonly names: string[] = [];
  /** Member signers, by member index. */
  private readonly signers: Signer[] = [];
  private readonly ids = new Map<string, number[]>();
  /** Ids of Byzantine members: their processes are excused from every check. */
  private readonly byzantine: Set<string>;
  private readonly net: NetworkModel;
  private readonly rng: { txs: Prng; start: Prng };
  private readonly lastFaultEnd: number;
  private readonly network: string;
  private t = 0;
  private markHeight: number | undefined;
  private events = 0;
  private delivered = 0;
  private dropped = 0;
  private submitted = 0;
  /** Nodes crashed with no restart: the only ones excused from liveness. */
  private readonly gone = new Set<number>();
  /** Members the scenario removes. */
  private readonly removed: ReadonlySet<number>;

  constructor(private readonly cfg: SimConfig) {
    this.network = `sim-${cfg.seed}`;
    this.removed = removedMembers(cfg);
    this.net = new NetworkModel(cfg.network, new Prng(cfg.seed, 1));
    this.rng = { txs: new Prng(cfg.seed, 3), start: new Prng(cfg.seed, 4) };
    const keys = Array.from({ length: cfg.nodes }, (_, i) => simKeys(cfg.crypto, cfg.seed, i));
    const everyone = keys.map((k, i) => ({ id: `org-${i}`, publicKey: k.signer.publicKey }));
    // Genesis validators; the other members join (and validators leave) by cfg.memberChanges.
    const validators = everyone.slice(0, cfg.validators ?? cfg.nodes);
    const members = new Map(everyone.map((v) => [v.id, v.publicKey]));
    const verify = keys[0]?.verify;
    if (!verify) throw new RangeError('a simulation needs at least one node');
    const specs = cfg.byzantine ?? [];
    this.byzantine = new Set(specs.map((b) => `org-${b.member}`));
    this.monitor = new Monitor(this.network, members, verify, this.byzantine, () => this.t);
    const genesis: ChainTip = {
      height: 0,
      hash: sha256Hex(`waybill-sim-genesis/${cfg.seed}`),
      timestamp: EPOCH_MS - 1000,
    };
    const processes = [...keys.keys(), ...twinProcesses(cfg).keys()];
    for (const member of processes) {
      const k = keys[member];
      if (!k) throw new RangeError(`no member ${member}`);
      const index = this.nodes.length;
      const id = `org-${member}`;
      const spec = index === member ? specs.find((b) => b.member === member) : undefined;
      const app = new SimApp({
        network: this.network,
        self: id,
        genesis,
        maxBlockTxs: cfg.maxBlockTxs,
        orgKeys: members,
        verify,
        censorOrg: spec?.censorOrg,
        censorshipTimeoutMs: cfg.censorshipTimeoutMs,
        validators,
      });
      const config: ConsensusConfig = {
        network: this.network,
        self: id,
        validators,

        timeouts: cfg.timeouts,
        signer: k.signer,
        verify,
        validateBlock: (block) => app.validate(block),
      };
      // Only runs whose set changes ask for it, so runs without changes replay as before.
      if (cfg.memberChanges?.length) config.validatorsAt = (height) => app.validatorsAt(height);
      if (cfg.censorshipTimeoutMs !== undefined) {
        config.acceptProposal = (block, now) => app.acceptProposal(block, now);
      }
      const skew = this.rng.start.int(-cfg.clockSkewMs, cfg.clockSkewMs);
      const trace = cfg.trace && ((line: string) => cfg.trace?.(`${this.t} ${id}#${index} ${line}`));
      const node = new SimNode(index, id, app, config, this, skew, trace, cfg.lazyPersist);
      if (spec && (spec.equivocate || spec.doubleVote || spec.badSignatures || spec.flood)) {
        node.adversary = new Adversary(spec, {
          network: this.network,
          id,
          signer: k.signer,
          members: validators.map((v) => v.id),
          rng: new Prng(cfg.seed, 300 + index),
          send: (to, message) => this.send(index, to, message),
          peers: () => this.peersOf(index),
        });
      }
      this.nodes.push(node);
      if (index === member) this.signers.push(k.signer);
      this.ids.set(id, [...(this.ids.get(id) ?? []), index]);
      this.names.push(id);
    }
    for (let j = 0; j < (cfg.outsiders ?? 0); j++) {
      const index = this.names.length;
      const id = `outsider-${j}`;
      this.names.push(id);
      this.intruders.push(
        new Intruder({
          network: this.network,
          id,
          signer: simKeys(cfg.crypto, cfg.seed, 1000 + j).signer,
          members: validators.map((v) => v.id),
          rng: new Prng(cfg.seed, 500 + j),
          send: (to, message) => this.send(index, to, message),
          targets: () => this.nodes.map((n) => n.index),
          view: () => this.honestView(),
        }),
      );
    }
    // A removed Byzantine validator's ghost: its own name and key, signing at every height.
    for (const member of cfg.ghosts ?? []) {
      const index = this.names.length;
      const id = `org-${member}`;
      const signer = this.signers[member];
      if (!signer || !this.byzantine.has(id)) throw new RangeError(`ghost ${id} is not a Byzantine member`);
      this.names.push(id);
      this.intruders.push(
        new Intruder({
          network: this.network,
          id,
          signer,
          members: everyone.map((v) => v.id),
          rng: new Prng(cfg.seed, 700 + member),
          send: (to, message) => this.send(index, to, message),
          targets: () => this.nodes.map((n) => n.index),
          view: () => this.honestView(),
          phantomVotes: true,
        }),
      );
    }
    this.lastFaultEnd = lastFaultEnd(cfg);
  }

  run(): SimResult {
    this.scheduleScenario();
    for (let e = this.queue.pop(); e && e.time <= this.cfg.maxTimeMs; e = this.queue.pop()) {
      this.t = e.time;
      this.handle(e.item);
      if (++this.events >= MAX_EVENTS) {
        this.monitor.violation(`budget: ${MAX_EVENTS} events without finishing`);
        break;
      }
      if (this.done()) break;
    }
    if (!this.done()) this.reportStuck();
    return this.result();
  }

  private scheduleScenario(): void {
    const { cfg, rng } = this;
    for (const node of this.nodes) this.at(rng.start.int(0, 20), { kind: 'start', node: node.index });
    for (let n = 0; n < cfg.txs.count; n++) {
      this.at(rng.txs.int(0, Math.max(0, cfg.txs.spanMs - 1)), {
        kind: 'submit',
        node: rng.txs.int(0, cfg.nodes - 1),
        n,
      });
    }
    for (const p of cfg.network.partitions) this.at(p.until, { kind: 'heal', groups: p.groups });
    for (const [k, c] of (cfg.memberChanges ?? []).entries()) this.at(c.at, { kind: 'change', k });
    for (const spec of cfg.crashes) this.at(spec.at, { kind: 'crash', spec });
    for (let who = 0; who < this.intruders.length; who++) {
      this.at(rng.start.int(0, 200), { kind: 'intrude', who });
    }
    const every = cfg.txRegossipMs;
    if (every)
      for (const node of this.nodes) this.at(every + node.index, { kind: 'regossip', node: node.index });
    this.at(this.lastFaultEnd, { kind: 'mark' });
  }

  private handle(e: SimEvent): void {
    switch (e.kind) {
      case 'start':
      case 'restart':
        this.boot(e.node, e.kind === 'restart');
        break;
      case 'deliver':
        this.deliver(e.to, e.from, e.message);
        break;
      case 'timer':
        if (e.timer.live) {
          e.timer.live = false;
          e.timer.fire();
        }
        break;
      case 'reply':
        e.reply(e.answer);
        break;
      case 'submit':
        this.submit(e.node, e.n);
        break;
      case 'tx':
        this.receiveTx(e.node, e.tx);
        break;
      case 'crash':
        this.crash(e.spec);
        break;
      case 'connected':
        this.node(e.node).input({
          type: 'peer_connected',
          peer: this.node(e.peer).id,
          now: this.clock(e.node),
        });
        break;
      case 'heal':
        this.reconnect(e.groups);
        break;
      case 'intrude':
        this.intruders[e.who]?.tick();
        this.at(this.t + this.rng.start.int(50, 300), e);
        break;
      case 'regossip':
        this.regossip(e.node);
        this.at(this.t + (this.cfg.txRegossipMs ?? 1_000), e);
        break;
      case 'change':
        this.proposeChange(e.k);
        break;
      case 'mark':
        this.markHeight = Math.max(...this.honest().map((n) => n.app.height));
        break;
    }
  }

  // ---- SimHost ---------------------------------------------------------------------------

  send(from: number, to: number, message: ConsensusMessage): void {
    const latency = this.net.route(from, to, this.t);
    if (latency === undefined) this.dropped++;
    else this.at(this.t + latency, { kind: 'deliver', to, from, message });
  }

  broadcast(from: number, message: ConsensusMessage): void {
    for (const peer of this.peersOf(from)) this.send(from, peer, message);
  }

  setTimer(fire: () => void, delayMs: number): SimTimer {
    const timer = { live: true, fire };
    this.at(this.t + delayMs, { kind: 'timer', timer });
    return timer;
  }

  /** A request to the server and its answer, each crossing the network; a lost one times out. */
  fetchBlocks(
    client: number,
    server: number,
    from: number,
    limit: number,
    reply: (answer: FetchAnswer) => void,
  ): void {
    const there = this.net.route(client, server, this.t);
    const back = this.net.route(server, client, this.t);
    const s = this.node(server);
    if (there === undefined || back === undefined || !s.alive) {
      const answer = { error: new Error(`sync request to ${s.id} timed out`) };
      this.at(this.t + SYNC_REQUEST_TIMEOUT_MS, { kind: 'reply', reply, answer });
      return;
    }
    const first = Math.max(1, from); // height 0 is genesis; a junk message may claim it
    const blocks = s.app.chain.slice(first - 1, first - 1 + limit);
    this.at(this.t + there + back, { kind: 'reply', reply, answer: { blocks } });
  }

  peerIds(index: number): string[] {
    const self = this.names[index];
    return [...new Set(this.nodes.filter((n) => n.id !== self).map((n) => n.id))];
  }

  processesOf(id: string): readonly number[] {
    return this.ids.get(id) ?? [];
  }

  /** Every node process that runs as another identity: a process never talks to its twin. */
  private peersOf(index: number): number[] {
    const self = this.names[index];
    return this.nodes.filter((n) => n.id !== self).map((n) => n.index);
  }

  // ---- event handlers --------------------------------------------------------------------

  private boot(index: number, restart: boolean): void {
    const node = this.node(index);
    node.boot();
    if (!restart) return;
    for (const peer of this.peersOf(index)) {
      this.connect(index, peer);
      this.connect(peer, index);
    }
  }

  private deliver(to: number, from: number, message: ConsensusMessage): void {
    const node = this.node(to);
    if (!node.alive) return;
    this.delivered++;
    this.monitor.received(node.id, message, node.app.height + 1);
    node.input({ type: 'message', from: this.names[from] ?? '', message, now: this.clock(to) });
  }

  /** A client submits a capture to a node, which gossips it to every other node. */
  private submit(index: number, n: number): void {
    const node = this.node(index);
    if (!node.alive) return; // the client gets an error and nothing was accepted
    const tx = syntheticTx(this.network, node.id, this.signers[index] as Signer, n);
    this.monitor.submit(tx.id, node.id);
    this.submitted++;
    this.receiveTx(index, tx);
    for (const peer of this.nodes) {
      if (peer.index === index) continue;
      const latency = this.net.route(index, peer.index, this.t);
      if (latency !== undefined) this.at(this.t + latency, { kind: 'tx', node: peer.index, tx });
    }
  }

  /**
   * Membership change k reaches every live node (a governance proposal approved by 2f+1: the sim
   * stands in for the approvals with one transaction), and again until an honest node commits it.
   */
  private proposeChange(k: number): void {
    const c = this.cfg.memberChanges?.[k];
    const signer = this.signers[0];
    if (!c || !signer) return;
    const change = { action: c.action, id: `org-${c.member}`, seq: k };
    const tx = memberChangeTx(this.network, 'org-0', signer, change);
    if (this.honest().some((n) => n.app.committedTxs.has(tx.id))) return;
    this.monitor.submit(tx.id, 'org-0');
    for (const node of this.nodes) this.receiveTx(node.index, tx);
    this.at(this.t + CHANGE_RETRY_MS, { kind: 'change', k });
  }

  /** A node sends every transaction that has waited with it for a while to every other node again. */
  private regossip(index: number): void {
    const node = this.node(index);
    if (!node.alive) return;
    const txs = node.app.pendingSince(this.cfg.txRegossipMs ?? 1_000, this.clock(index));
    for (const peer of this.peersOf(index)) {
      for (const tx of txs) {
        const latency = this.net.route(index, peer, this.t);
        if (latency !== undefined) this.at(this.t + latency, { kind: 'tx', node: peer, tx });
      }
    }
  }

  private receiveTx(index: number, tx: Transaction): void {
    const node = this.node(index);
    if (!node.alive) return;
    const wasEmpty = node.app.pending === 0;
    if (!node.app.addTx(tx, this.clock(index)) || !wasEmpty) return;
    node.input({ type: 'txs_available', available: true, now: this.clock(index) });
  }

  private crash(spec: CrashSpec): void {
    const index = spec.node === 'leader' ? this.nextLeader() : spec.node;
    const node = this.node(index);
    if (!node.alive) return;
    node.crash(this.cfg.amnesia);
    if (spec.restartAt === undefined) this.gone.add(index);
    else this.at(Math.max(spec.restartAt, this.t), { kind: 'restart', node: index });
  }

  /** After a partition heals, both sides of every cut link see the other reconnect. */
  private reconnect(groups: number[][]): void {
    for (const a of this.nodes) {
      for (const b of this.nodes) {
        const ga = groups.findIndex((g) => g.includes(a.index));
        const gb = groups.findIndex((g) => g.includes(b.index));
        if (a.id !== b.id && (ga !== gb || ga === -1)) this.connect(a.index, b.index);
      }
    }
  }

  private connect(node: number, peer: number): void {
    const latency = this.net.route(peer, node, this.t);
    if (latency !== undefined) this.at(this.t + latency, { kind: 'connected', node, peer });
  }

  // ---- bookkeeping -----------------------------------------------------------------------

  private nextLeader(): number {
    const height = Math.max(...this.honest().map((n) => n.app.height));
    return (height + 1) % this.cfg.nodes;
  }

  /** Processes of honest members: the ones every check is about. */
  private honest(): SimNode[] {
    return this.nodes.filter((n) => !this.byzantine.has(n.id));
  }

  /** Where the honest network stands, as an outsider would learn from watching it. */
  private honestView(): { tip: ChainTip; round: number } {
    const ahead = this.honest().reduce((a, b) => (b.app.height > a.app.height ? b : a));
    return { tip: ahead.app.tip(), round: ahead.core?.status.round ?? 0 };
  }

  /** Crashed for good, Byzantine, or removed (a real node is cut off): not expected to make progress. */
  private excused(n: SimNode): boolean {
    return this.gone.has(n.index) || this.byzantine.has(n.id) || this.removed.has(n.index);
  }

  private target(): number | undefined {
    if (this.markHeight === undefined) return undefined;
    return Math.max(this.cfg.blocks, this.markHeight + this.cfg.livenessBlocks);
  }

  private done(): boolean {
    const target = this.target();
    return (
      target !== undefined && this.nodes.every((n) => this.excused(n) || (n.alive && n.app.height >= target))
    );
  }

  private reportStuck(): void {
    const target = this.target() ?? this.cfg.blocks;
    for (const n of this.nodes) {
      if (!this.excused(n) && n.app.height < target) {
        this.monitor.violation(
          `liveness: ${n.id} at height ${n.app.height}, below ${target} after ${this.t} ms`,
        );
      }
    }
  }

  private result(): SimResult {
    const longest = this.honest().reduce((a, b) => (b.app.height > a.app.height ? b : a));
    const logEvents: Record<string, number> = {};
    for (const n of this.nodes) for (const [k, v] of n.stats.events) logEvents[k] = (logEvents[k] ?? 0) + v;
    const committed = longest.app.chain.reduce((s, c) => s + c.block.txs.length, 0);
    return {
      seed: this.cfg.seed,
      ok: this.monitor.violations.length === 0,
      violations: [...this.monitor.violations],
      heights: this.nodes.map((n) => n.app.height),
      hashes: this.nodes.map((n) => n.app.chain.map((c) => c.hash)),
      alive: this.nodes.map((n) => n.alive),
      roundChanges: this.nodes.reduce((s, n) => s + n.stats.roundChanges, 0),
      blocksAfterViewChange: longest.app.chain.filter((c) => c.certificate.round > 0).length,
      crashes: this.nodes.reduce((s, n) => s + n.stats.crashes, 0),
      sync: {
        requests: this.nodes.reduce((s, n) => s + n.stats.syncRequests, 0),
        blocks: this.nodes.reduce((s, n) => s + n.stats.syncedBlocks, 0),
      },
      virtualMs: this.t,
      events: this.events,
      messages: { delivered: this.delivered, dropped: this.dropped },
      txs: { submitted: this.submitted, committed, pending: this.submitted - committed },
      logEvents,
      byzantine: this.nodes.map((n) => this.byzantine.has(n.id)),
      evidence: {
        ...this.monitor.evidence,
        members: [...this.monitor.evidence.members].sort(),
        equivocationsSeen: this.monitor.equivocationsSeen,
      },
      txsByOrg: this.monitor.txsByOrg(),
      txsByProposer: txsByProposer(longest.app.chain),
      setChanges: longest.app.setChanges,
    };
  }

  private node(i: number): SimNode {
    const n = this.nodes[i];
    if (!n) throw new RangeError(`no node ${i}`);
    return n;
  }

  /** The node's own clock: simulated time plus its skew, as epoch milliseconds. */
  clock(i: number): number {
    return EPOCH_MS + this.t + this.node(i).skewMs;
  }

  private at(time: number, e: SimEvent): void {
    this.queue.push(time, e);
  }
}

function txsByProposer(chain: SimNode['app']['chain']): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const { block } of chain) {
    const byOrg = out[block.header.proposer] ?? {};
    out[block.header.proposer] = byOrg;
    for (const tx of block.txs) byOrg[tx.body.org] = (byOrg[tx.body.org] ?? 0) + 1;
  }
  return out;
}
