import { type Block, type CommitCertificate, headerHash } from '../ledger/index.js';
import { FutureBuffer, PeerHeights } from './catchup.js';
import { type CoreEnv, HeightState } from './height.js';
import { type Checker, checkProposal, checkVote } from './intake.js';
import { signProposal, signVote } from './messages.js';
import { stepTimeout } from './timeouts.js';
import type {
  ChainTip,
  ConsensusAction,
  ConsensusConfig,
  ConsensusCore,
  ConsensusInput,
  ConsensusMessage,
  Decision,
  PersistedState,
  Proposal,
  Step,
  Vote,
} from './types.js';
import { chainProblem, decisionProblem } from './validation.js';
import { ValidatorSet } from './validators.js';
import type { RoundState } from './votes.js';

/** Next-height messages kept while the current height is still being decided. */
const FUTURE_LIMIT = 10_000;

type TimeoutKind = Step | 'commit' | 'empty';

/**
 * Before round 0 of a height starts, the node waits: first `commitMs` (late precommits and txs
 * arrive), then, with an empty mempool, up to `emptyBlockIntervalMs` (heartbeat blocks only).
 */
type Phase = { kind: 'waiting'; stage: 'commit' | 'empty' } | { kind: 'running' };

export function createConsensusCore(config: ConsensusConfig): ConsensusCore {
  return new TendermintCore(config);
}

/**
 * Tendermint (Buchman, Kwon, Milosevic 2018, Algorithm 1) as a pure state machine. Line numbers
 * in comments (L22, L36, ...) are those of Algorithm 1. Each `step` call handles one input and
 * returns the actions it caused, in the order the driver must carry them out.
 */
class TendermintCore implements ConsensusCore {
  private readonly env: CoreEnv;
  private readonly checker: Checker;
  private readonly future = new FutureBuffer(FUTURE_LIMIT);
  private readonly peerHeights: PeerHeights;
  private out: ConsensusAction[] = [];
  private now = 0;
  private started = false;
  private txsAvailable = false;
  private h: HeightState;
  private phase: Phase = { kind: 'waiting', stage: 'commit' };

  constructor(private readonly config: ConsensusConfig) {
    const validators = new ValidatorSet(config.validators);
    this.env = { config, validators, selfIndex: validators.indexOf(config.self) };
    this.checker = { network: config.network, validators, verify: config.verify };
    // A peer one height away for a whole propose timeout is stuck, not just racing a commit.
    this.peerHeights = new PeerHeights(config.timeouts.proposeMs, config.timeouts.proposeMs);
    this.h = new HeightState({ height: 0, hash: '', timestamp: 0 }, this.env);
  }

  get status(): { height: number; round: number; step: Step; proposer: string } {
    const { height, round, step } = this.h;
    return { height, round, step, proposer: this.env.validators.proposerOf(height, round).id };
  }

  step(input: ConsensusInput): ConsensusAction[] {
    this.out = [];
    this.now = input.now;
    if (input.type === 'start') this.start(input.tip, input.persisted ?? null);
    else if (this.started) this.dispatch(input);
    return this.out;
  }

  private dispatch(input: Exclude<ConsensusInput, { type: 'start' }>): void {
    switch (input.type) {
      case 'message':
        this.onMessage(input.from, input.message);
        break;
      case 'timeout':
        this.onTimeout(input.height, input.round, input.step);
        break;
      case 'block_built':
        this.onBlockBuilt(input.height, input.round, input.block);
        break;
      case 'txs_available':
        this.onTxsAvailable(input.available);
        break;
      case 'peer_connected':
        this.relayPolka((message) => ({ type: 'send', to: input.peer, message }));
        for (const message of this.h.sent) this.emit({ type: 'send', to: input.peer, message });
        break;
    }
  }

  // ---- start, restore and height changes -------------------------------------------------

  private start(tip: ChainTip, persisted: PersistedState | null): void {
    this.started = true;
    this.txsAvailable = false;
    this.future.take();
    if (persisted && persisted.height === tip.height + 1) this.restore(tip, persisted);
    else this.enterHeight(tip);
  }

  private enterHeight(tip: ChainTip): void {
    this.h = new HeightState(tip, this.env);
    this.peerHeights.clear();
    this.phase = { kind: 'waiting', stage: 'commit' };
    this.schedule(0, 'commit', this.config.timeouts.commitMs);
  }

  /**
   * Restart at the same height: own signed messages count as received and are re-sent, and the
   * round resumes where it was, so nothing already signed is ever signed differently.
   */
  private restore(tip: ChainTip, p: PersistedState): void {
    this.h = HeightState.restore(tip, this.env, p);
    this.peerHeights.clear();
    this.phase = { kind: 'running' };
    const { height, round, step, sent } = this.h;
    this.log('info', 'restored', { height, round, step, sent: sent.length });
    for (const message of sent) this.emit({ type: 'broadcast', message });
    this.schedule(round, 'propose', stepTimeout(this.config.timeouts, 'propose', round));
    if (step === 'propose' && this.h.isProposer(round) && !this.h.ownProposal(round)) this.proposeAsLeader();
    this.progress();
  }

  /** Commits a decided block and moves to the next height; the commit action comes first. */
  private decide(block: Block, hash: string, certificate: CommitCertificate): void {
    const { height } = this.h;
    this.emit({ type: 'commit', block, hash, certificate });
    this.log('debug', 'committed', { height, round: certificate.round, hash, txs: block.txs.length });
    this.enterHeight({ height, hash, timestamp: block.header.timestamp });
    for (const { from, message } of this.future.take()) this.onMessage(from, message);
  }

  // ---- rounds ----------------------------------------------------------------------------

  /** StartRound, lines 11-21. Every node (not only non-proposers) sets the propose timer. */
  private startRound(round: number): void {
    this.phase = { kind: 'running' };
    this.h.round = round;
    this.h.step = 'propose';
    this.h.pendingBuild = null;
    if (round > 0) this.log('info', 'round_started', { height: this.h.height, round });
    this.schedule(round, 'propose', stepTimeout(this.config.timeouts, 'propose', round));
    if (this.h.isProposer(round)) this.proposeAsLeader();
  }

  private proposeAsLeader(): void {
    const { height, round, tip, validBlock, validRound } = this.h;
    const own = this.h.ownProposal(round);
    if (own) {
      this.emit({ type: 'broadcast', message: own });
    } else if (validBlock) {
      this.propose(validBlock, validRound);
    } else {
      this.h.pendingBuild = round;
      this.emit({
        type: 'build_block',
        height,
        round,
        parentHash: tip.hash,
        minTimestamp: tip.timestamp + 1,
      });
    }
  }

  /**
   * Applies every rule whose condition holds, until none does. Each rule moves the state forward
   * within a round (step, "first time" flags) or to a later round or height, so the loop ends.
   */
  private progress(): void {
    while (this.phase.kind === 'running') {
      if (this.tryDecide()) return;
      const skip = this.h.book.skipTarget(this.h.round, this.env.validators.f);
      if (skip !== undefined)
        this.startRound(skip); // L55: f+1 validators are in a later round
      else if (!this.applyRoundRules(this.h.book.get(this.h.round))) return;
    }
  }

  /** Lines 22-48 for the current round. Returns true when the state changed. */
  private applyRoundRules(rs: RoundState): boolean {
    const { quorum } = this.env.validators;
    const { step, round } = this.h;
    const p = rs.proposal;
    const hash = rs.proposalHash;
    if (step === 'propose') {
      if (p && hash !== null && this.tryPrevoteProposal(p, hash)) return true;
    } else {
      if (step === 'prevote' && !rs.prevoteTimerSet && rs.prevotes.size >= quorum) {
        rs.prevoteTimerSet = true; // L34
        this.schedule(round, 'prevote', stepTimeout(this.config.timeouts, 'prevote', round));
      }
      if (p && hash !== null && !rs.polkaHandled && rs.prevotes.count(hash) >= quorum) {
        if (this.h.problemOf(p, hash, this.now) === null) {
          rs.polkaHandled = true;
          this.onPolka(p.block, hash); // L36
          return true;
        }
      }
      if (step === 'prevote' && rs.prevotes.count(null) >= quorum) {
        this.precommit(null); // L44
        return true;
      }
    }
    if (!rs.precommitTimerSet && rs.precommits.size >= quorum) {
      rs.precommitTimerSet = true; // L47
      this.schedule(round, 'precommit', stepTimeout(this.config.timeouts, 'precommit', round));
    }
    return false;
  }

  /** L22 (fresh proposal) and L28 (re-proposal backed by a polka in its validRound). */
  private tryPrevoteProposal(p: Proposal, hash: string): boolean {
    const { lockedRound, lockedHash, round, book } = this.h;
    const vr = p.validRound;
    const valid = () => this.h.problemOf(p, hash, this.now) === null;
    if (vr === -1) {
      this.prevote(valid() && (lockedRound === -1 || lockedHash === hash) ? hash : null);
      return true;
    }
    if (vr < round && (book.peek(vr)?.prevotes.count(hash) ?? 0) >= this.env.validators.quorum) {
      this.prevote(valid() && (lockedRound <= vr || lockedHash === hash) ? hash : null);
      return true;
    }
    return false;
  }

  /** L36-43: 2f+1 prevotes for this round's proposal, first time, step prevote or later. */
  private onPolka(block: Block, hash: string): void {
    this.h.setValid(block, this.h.round);
    if (this.h.step === 'prevote') {
      this.h.lock(block, hash, this.h.round);
      this.precommit(hash);
    }
  }

  /** L49: 2f+1 precommits for a known block in any round of this height (lowest round first). */
  private tryDecide(): boolean {
    const { decidable, book, blocks, height } = this.h;
    for (const round of [...decidable].sort((a, b) => a - b)) {
      const precommits = book.get(round).precommits;
      const hash = precommits.blockWithQuorum(this.env.validators.quorum);
      const block = hash === undefined ? undefined : blocks.get(hash);
      if (hash === undefined || !block) continue;
      const problem = chainProblem(block, this.h.context);
      if (problem) {
        // Only possible with more than f faulty validators: refuse it, loudly.
        this.log('warn', 'quorum_for_invalid_block', { height, round, hash, problem });
        decidable.delete(round);
        continue;
      }
      const signatures = precommits.signaturesFor(hash);
      this.decide(block, hash, { height, round, blockHash: hash, signatures });
      return true;
    }
    return false;
  }

  // ---- signing ---------------------------------------------------------------------------

  private prevote(hash: string | null): void {
    this.h.step = 'prevote';
    this.signVoteOnce('prevote', hash);
  }

  private precommit(hash: string | null): void {
    this.h.step = 'precommit';
    this.signVoteOnce('precommit', hash);
  }

  /**
   * Signs a vote for the current round unless one was already signed for that slot (possible
   * only after a restart): then the old one is re-sent instead. Never two votes for one slot.
   */
  private signVoteOnce(type: Vote['type'], blockHash: string | null): void {
    const { height, round } = this.h;
    const held = this.h.ownVote(type, round);
    if (held) {
      if (held.blockHash !== blockHash) this.log('warn', 'resign_refused', { type, height, round });
      this.emit({ type: 'broadcast', message: held });
      return;
    }
    const { signer, network, self } = this.config;
    this.publish(signVote(signer, network, self, { type, height, round, blockHash }));
  }

  private propose(block: Block, validRound: number): void {
    const { signer, network, self } = this.config;
    const { height, round } = this.h;
    if (validRound >= 0) this.relayPolka((message) => ({ type: 'broadcast', message }));
    this.publish(signProposal(signer, network, self, { height, round, block, validRound }));
  }

  /** A new signature is durable (persist) before it leaves (broadcast), then counts as received. */
  private publish(message: Proposal | Vote): void {
    this.h.addOwn(message);
    this.emit({ type: 'persist', state: this.h.snapshot() });
    this.emit({ type: 'broadcast', message });
  }

  // ---- incoming messages -----------------------------------------------------------------

  private onMessage(from: string, m: ConsensusMessage): void {
    if (m.type === 'decision') {
      this.onDecision(from, m);
      return;
    }
    const index = this.env.validators.indexOf(m.type === 'proposal' ? m.proposer : m.voter);
    if (index === undefined) this.reject(from, m, 'not_a_validator');
    else if (m.height < this.h.height) this.peerBehind(from, m.height);
    else if (m.height > this.h.height) this.fromFuture(from, m, m.height);
    else this.onCurrent(from, index, m);
  }

  /** A proposal or vote for the height being decided. */
  private onCurrent(from: string, index: number, m: Proposal | Vote): void {
    const intake =
      m.type === 'proposal'
        ? checkProposal(this.checker, this.h, index, m)
        : checkVote(this.checker, this.h, index, m);
    if (intake.kind === 'rejected') this.reject(from, m, intake.event, intake.extra);
    if (intake.kind !== 'new') return;
    if (m.type === 'proposal' && intake.hash !== null) this.h.addProposal(index, m, intake.hash);
    else if (m.type !== 'proposal') this.h.addVote(index, m);
    // A height waiting for txs starts as soon as another validator is visibly working on it.
    if (this.phase.kind === 'waiting' && index !== this.env.selfIndex) this.startRound(0);
    this.progress();
  }

  /** Catch-up: a certified block for this height is committed without taking part in its rounds. */
  private onDecision(from: string, d: Decision): void {
    const height = d.block.header.height;
    if (!Number.isSafeInteger(height) || height < this.h.height) return;
    if (height > this.h.height) {
      this.fromFuture(from, d, height + 1); // the peer has committed `height`, so it is past it
      return;
    }
    const problem = decisionProblem(d, this.h.context, this.config.verify);
    if (problem) this.reject(from, d, 'invalid_decision', { problem });
    else this.decide(d.block, d.certificate.blockHash, d.certificate);
  }

  /** A message from a later height: keep it if it is for the next one, and maybe catch up. */
  private fromFuture(from: string, m: ConsensusMessage, peerHeight: number): void {
    const height = m.type === 'decision' ? m.block.header.height : m.height;
    if (height === this.h.height + 1 && !this.future.push({ from, message: m })) {
      this.log('debug', 'future_buffer_full', { from, height });
    }
    const adjacent = peerHeight === this.h.height + 1;
    if (this.peerHeights.shouldEmit('ahead', from, peerHeight, adjacent, this.now)) {
      this.emit({ type: 'sync_from', peer: from, height: peerHeight });
    }
  }

  private peerBehind(from: string, peerHeight: number): void {
    const adjacent = peerHeight === this.h.height - 1;
    if (this.peerHeights.shouldEmit('behind', from, peerHeight, adjacent, this.now)) {
      this.emit({ type: 'peer_behind', peer: from, height: peerHeight });
    }
  }

  private reject(
    from: string,
    m: ConsensusMessage,
    event: string,
    extra: Record<string, unknown> = {},
  ): void {
    const data: Record<string, unknown> = { from, type: m.type, ...extra };
    if (m.type === 'decision') data.height = m.certificate.height;
    else
      Object.assign(data, {
        height: m.height,
        round: m.round,
        signer: m.type === 'proposal' ? m.proposer : m.voter,
      });
    this.log('warn', event, data);
  }

  // ---- timeouts, built blocks, mempool ---------------------------------------------------

  /**
   * Stale timeouts (another height or round) are ignored. The propose timer also serves as the
   * retransmission tick: it re-arms itself for as long as the round lasts and re-sends this node's
   * messages each time, so lost votes can never leave every node waiting with no timer set.
   */
  private onTimeout(height: number, round: number, kind: TimeoutKind): void {
    if (height !== this.h.height) return;
    if (kind === 'commit' || kind === 'empty') {
      this.onWaitOver(kind);
      return;
    }
    if (this.phase.kind !== 'running' || round !== this.h.round) return;
    this.resendRecent();
    if (kind === 'propose') {
      if (this.h.step === 'propose') this.prevote(null); // OnTimeoutPropose
      this.schedule(round, 'propose', stepTimeout(this.config.timeouts, 'propose', round));
    } else if (kind === 'prevote') {
      if (this.h.step === 'prevote') this.precommit(null); // OnTimeoutPrevote
    } else {
      this.startRound(round + 1); // OnTimeoutPrecommit
    }
    this.progress();
  }

  /**
   * Re-sends own messages of this round and the previous one, where laggards may still be, and
   * the polka behind validBlock once it is from an earlier round (a later proposer may re-propose it).
   */
  private resendRecent(): void {
    if (this.h.validRound >= 0 && this.h.validRound < this.h.round) {
      this.relayPolka((message) => ({ type: 'broadcast', message }));
    }
    for (const message of this.h.sent) {
      if (message.round >= this.h.round - 1) this.emit({ type: 'broadcast', message });
    }
  }

  /** Others' prevotes behind validBlock; own votes go out with `sent`. */
  private relayPolka(action: (message: Vote) => ConsensusAction): void {
    for (const vote of this.h.polkaForValid()) {
      if (vote.voter !== this.config.self) this.emit(action(vote));
    }
  }

  private onWaitOver(stage: 'commit' | 'empty'): void {
    if (this.phase.kind !== 'waiting' || this.phase.stage !== stage) return;
    if (stage === 'commit' && !this.txsAvailable) {
      this.phase = { kind: 'waiting', stage: 'empty' };
      this.schedule(0, 'empty', this.config.timeouts.emptyBlockIntervalMs);
      return;
    }
    this.startRound(0);
    this.progress();
  }

  private onTxsAvailable(available: boolean): void {
    this.txsAvailable = available;
    if (available && this.phase.kind === 'waiting' && this.phase.stage === 'empty') {
      this.startRound(0);
      this.progress();
    }
  }

  private onBlockBuilt(height: number, round: number, block: Block): void {
    const h = this.h;
    const awaited =
      height === h.height && round === h.round && h.pendingBuild === round && h.step === 'propose';
    if (!awaited || this.phase.kind !== 'running') {
      this.log('debug', 'stale_block_built', { height, round });
      return;
    }
    h.pendingBuild = null;
    const problem = h.problemOf({ validRound: -1, round, block }, headerHash(block.header), this.now);
    if (problem) {
      this.log('warn', 'built_block_invalid', { height, round, problem });
      return;
    }
    this.propose(block, -1);
    this.progress();
  }

  // ---- output ----------------------------------------------------------------------------

  private schedule(round: number, step: TimeoutKind, delayMs: number): void {
    this.emit({ type: 'schedule_timeout', height: this.h.height, round, step, delayMs });
  }

  private log(level: 'debug' | 'info' | 'warn', event: string, data: Record<string, unknown>): void {
    this.emit({ type: 'log', level, event, data });
  }

  private emit(action: ConsensusAction): void {
    this.out.push(action);
  }
}
