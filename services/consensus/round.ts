import { type Block, type CommitCertificate, headerHash } from '../ledger/index.js';
import type { HeightState } from './height.js';
import { signProposal, signVote } from './messages.js';
import { stepTimeout } from './timeouts.js';
import type { ConsensusAction, Proposal, Step, Vote } from './types.js';
import { chainProblem } from './validation.js';
import type { RoundState } from './votes.js';

/** What the per-height machine needs from the core around it. */
export interface MachineHost {
  /** The clock reading of the input being handled. */
  readonly now: number;
  emit(action: ConsensusAction): void;
  log(level: 'debug' | 'info' | 'warn', event: string, data: Record<string, unknown>): void;
  /** A decision for this height: the core commits it and moves to the next height. */
  decide(block: Block, hash: string, certificate: CommitCertificate): void;
}

/**
 * Tendermint's Algorithm 1 for one height (Buchman, Kwon, Milosevic 2018; line numbers L11-L65
 * in comments are the paper's). It owns rounds, steps, locking and signing; the core around it
 * routes messages in, starts it, and takes over once it decides.
 */
export class HeightMachine {
  /** False until round 0 starts: the core is still waiting for txs or the heartbeat. */
  running = false;
  /** Retransmission ticks so far in this round: each waits twice as long as the one before. */
  private resends = 0;

  constructor(
    readonly h: HeightState,
    private readonly host: MachineHost,
  ) {}

  /** StartRound, L11-21. Every node (not only non-proposers) sets the propose timer. */
  startRound(round: number): void {
    const { h } = this;
    this.running = true;
    h.round = round;
    h.step = 'propose';
    h.pendingBuild = null;
    if (round > 0) this.host.log('info', 'round_started', { height: h.height, round });
    this.schedule('propose', round);
    this.resends = 0;
    this.scheduleResend(round);
    if (h.isProposer(round)) this.proposeAsLeader();
  }

  /** After a restart: re-send what was signed and carry on in the persisted round and step. */
  resume(): void {
    const { h } = this;
    this.running = true;
    for (const message of h.sent) this.broadcast(message);
    this.schedule('propose', h.round);
    this.resends = 0;
    this.scheduleResend(h.round);
    if (h.step === 'propose' && h.isProposer(h.round) && !h.ownProposal(h.round)) this.proposeAsLeader();
    this.progress();
  }

  /**
   * Applies every rule whose condition holds, until none does. Each rule moves the state forward
   * within a round (step, "first time" flags) or to a later round or height, so the loop ends.
   */
  progress(): void {
    const { h } = this;
    for (;;) {
      if (this.tryDecide()) return;
      const skip = h.book.skipTarget(h.round, h.validators.f);
      if (skip !== undefined) {
        this.startRound(skip); // L55: f+1 validators are already in a later round
      } else if (!this.applyRoundRules(h.book.get(h.round))) {
        return;
      }
    }
  }

  /** Stale timeouts (another round) are ignored. Each step timeout also re-sends (resendRecent). */
  onTimeout(round: number, step: Step): void {
    if (!this.running || round !== this.h.round) return;
    this.resendRecent();
    if (step === 'propose') {
      if (this.h.step === 'propose') this.prevote(null); // OnTimeoutPropose
    } else if (step === 'prevote') {
      if (this.h.step === 'prevote') this.precommit(null); // OnTimeoutPrevote
    } else {
      this.startRound(round + 1); // OnTimeoutPrecommit
    }
    this.progress();
  }

  /**
   * The retransmission tick, armed for as long as the round lasts, so lost messages can never leave
   * every node waiting with no timer set. It fires first one delta into the round, then at doubling
   * intervals capped at the round's propose timeout: a proposal or vote lost once is re-sent while
   * the others' step timers still run (simulator seed 146327: re-sent only on the proposer's own
   * propose timer, a lost re-proposal arrived just after the others had given up on it, round after
   * round), and a round that is merely slow is not flooded with copies.
   */
  onResendTick(round: number): void {
    if (!this.running || round !== this.h.round) return;
    this.resendRecent();
    this.resends += 1;
    this.scheduleResend(round);
  }

  /** The driver's answer to build_block; only the one for the current propose step counts. */
  onBlockBuilt(round: number, block: Block): void {
    const { h } = this;
    if (!this.running || round !== h.round || h.pendingBuild !== round || h.step !== 'propose') {
      this.host.log('debug', 'stale_block_built', { height: h.height, round });
      return;
    }
    h.pendingBuild = null;
    const problem = h.problemOf({ validRound: -1, round, block }, headerHash(block.header), this.host.now);
    if (problem) {
      this.host.log('warn', 'built_block_invalid', { height: h.height, round, problem });
      return;
    }
    this.propose(block, -1);
    this.progress();
  }

  /**
   * The 2f+1 prevotes behind validBlock, this node's own included. A re-proposal (L28) is
   * acceptable only to a node holding them, and a node may have lost some for good (their sender
   * crashed, or it restarted itself): Tendermint assumes gossip, so whoever re-proposes or may
   * re-propose relays them. The own one matters as much as the others: a node that restarted has
   * only its own votes, and `sent` is re-sent only for recent rounds. Returns what was relayed.
   */
  relayPolka(action: (message: Vote) => ConsensusAction): ReadonlySet<Proposal | Vote> {
    const polka = new Set<Proposal | Vote>(this.h.polkaForValid());
    for (const vote of polka) this.host.emit(action(vote as Vote));
    return polka;
  }

  /** Relays the precommits that decided a block this node lacks (HeightState.precommitsForUnknownBlocks). */
  relayDecidingPrecommits(action: (message: Vote) => ConsensusAction): ReadonlySet<Proposal | Vote> {
    const votes = new Set<Proposal | Vote>(this.h.precommitsForUnknownBlocks());
    for (const vote of votes) this.host.emit(action(vote as Vote));
    return votes;
  }

  private proposeAsLeader(): void {
    const { height, round, tip, validBlock, validRound } = this.h;
    const own = this.h.ownProposal(round);
    if (own) {
      this.broadcast(own);
    } else if (validBlock) {
      this.propose(validBlock, validRound);
    } else {
      this.h.pendingBuild = round;
      const minTimestamp = tip.timestamp + 1;
      this.host.emit({ type: 'build_block', height, round, parentHash: tip.hash, minTimestamp });
    }
  }

  /** L22-48 for the current round. Returns true when the state changed. */
  private applyRoundRules(rs: RoundState): boolean {
    const { quorum } = this.h.validators;
    const { step, round } = this.h;
    const p = rs.proposal;
    const hash = rs.proposalHash;
    if (step === 'propose') {
      if (p && hash !== null && this.tryPrevoteProposal(p, hash)) return true;
    } else {
      if (step === 'prevote' && !rs.prevoteTimerSet && rs.prevotes.size >= quorum) {
        rs.prevoteTimerSet = true; // L34
        this.schedule('prevote', round);
      }
      if (
        p &&
        hash !== null &&
        !rs.polkaHandled &&
        rs.prevotes.count(hash) >= quorum &&
        this.valid(p, hash)
      ) {
        rs.polkaHandled = true;
        this.onPolka(p.block, hash); // L36
        return true;
      }
      if (step === 'prevote' && rs.prevotes.count(null) >= quorum) {
        this.precommit(null); // L44
        return true;
      }
    }
    if (!rs.precommitTimerSet && rs.precommits.size >= quorum) {
      rs.precommitTimerSet = true; // L47
      this.schedule('precommit', round);
    }
    return false;
  }

  /** L22 (fresh proposal) and L28 (re-proposal backed by a polka in its validRound). */
  private tryPrevoteProposal(p: Proposal, hash: string): boolean {
    const { lockedRound, lockedHash, round, book } = this.h;
    const vr = p.validRound;
    if (vr === -1) {
      // A node locked on this very block prevotes it whatever its policy says (see `acceptable`).
      const lockAllows = lockedRound === -1 || lockedHash === hash;
      const ok = lockAllows && this.valid(p, hash) && (lockedHash === hash || this.acceptable(p, hash));
      this.prevote(ok ? hash : null);
      return true;
    }
    if (vr < round && (book.peek(vr)?.prevotes.count(hash) ?? 0) >= this.h.validators.quorum) {
      this.prevote(this.valid(p, hash) && (lockedRound <= vr || lockedHash === hash) ? hash : null);
      return true;
    }
    return false;
  }

  /**
   * The local censorship policy (`acceptProposal`), asked only here, for a fresh proposal of another
   * member that this node could otherwise prevote. Never for a re-proposal (L28) or before locking
   * (L36): a block with a polka may hold locks, and if a policy could refuse it forever those locks
   * would never be released. Safety never depends on why a correct node prevotes nil.
   */
  private acceptable(p: Proposal, hash: string): boolean {
    const policy = this.h.config.acceptProposal;
    if (!policy || p.proposer === this.h.self || policy(p.block, this.host.now)) return true;
    const { height, round } = this.h;
    this.host.log('warn', 'censorship_suspected', { height, round, proposer: p.proposer, hash });
    return false;
  }

  /** L36-43: 2f+1 prevotes for this round's proposal, first time, step prevote or later. */
  private onPolka(block: Block, hash: string): void {
    const { h } = this;
    h.setValid(block, h.round);
    if (h.step === 'prevote') {
      h.lock(block, hash, h.round);
      this.precommit(hash);
    }
  }

  /** L49: 2f+1 precommits for a known block in any round of this height, lowest round first. */
  private tryDecide(): boolean {
    const { decidable, book, blocks, height } = this.h;
    for (const round of [...decidable].sort((a, b) => a - b)) {
      const precommits = book.get(round).precommits;
      const hash = precommits.blockWithQuorum(this.h.validators.quorum);
      const block = hash === undefined ? undefined : blocks.get(hash);
      if (hash === undefined || !block) continue;
      const problem = chainProblem(block, this.h.context);
      if (problem) {
        // Only possible with more than f faulty validators: refuse it, loudly.
        this.host.log('warn', 'quorum_for_invalid_block', { height, round, hash, problem });
        decidable.delete(round);
        continue;
      }
      this.host.decide(block, hash, {
        height,
        round,
        blockHash: hash,
        signatures: precommits.signaturesFor(hash),
      });
      return true;
    }
    return false;
  }

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
    if (!this.h.isValidator) return; // an observer follows the height without voting
    const { height, round } = this.h;
    const held = this.h.ownVote(type, round);
    if (held) {
      if (held.blockHash !== blockHash) this.host.log('warn', 'resign_refused', { type, height, round });
      this.broadcast(held);
      return;
    }
    const { signer, network, self } = this.h.config;
    this.publish(signVote(signer, network, self, { type, height, round, blockHash }));
  }

  private propose(block: Block, validRound: number): void {
    const { signer, network, self } = this.h.config;
    const { height, round } = this.h;
    if (validRound >= 0) this.relayPolka((message) => ({ type: 'broadcast', message }));
    this.publish(signProposal(signer, network, self, { height, round, block, validRound }));
  }

  /** A new signature is durable (persist) before it leaves (broadcast), and counts as received. */
  private publish(message: Proposal | Vote): void {
    this.h.addOwn(message);
    this.host.emit({ type: 'persist', state: this.h.snapshot() });
    this.broadcast(message);
  }

  /**
   * Re-sends own messages of this round and the previous one, where laggards may still be, and
   * the polka behind validBlock once it is from an earlier round (a later proposer may re-propose it),
   * and the precommits that decided a block this node lacks (those who hold it may lack them);
   * then the others' votes of those two rounds (HeightState.recentVotes).
   */
  private resendRecent(): void {
    const { h } = this;
    const relayed = new Set(
      h.validRound >= 0 && h.validRound < h.round
        ? this.relayPolka((message) => ({ type: 'broadcast', message }))
        : [],
    );
    for (const vote of this.relayDecidingPrecommits((message) => ({ type: 'broadcast', message })))
      relayed.add(vote);
    for (const message of h.sent) {
      if (message.round >= h.round - 1 && !relayed.has(message)) {
        relayed.add(message);
        this.broadcast(message);
      }
    }
    for (const vote of h.recentVotes()) if (!relayed.has(vote)) this.broadcast(vote);
  }

  /** valid(v) of the paper, at the clock reading of the current input. */
  private valid(p: Proposal, hash: string): boolean {
    return this.h.problemOf(p, hash, this.host.now) === null;
  }

  private broadcast(message: Proposal | Vote): void {
    this.host.emit({ type: 'broadcast', message });
  }

  private scheduleResend(round: number): void {
    const { timeouts } = this.h.config;
    const cap = Math.max(1, stepTimeout(timeouts, 'propose', round));
    const first = timeouts.deltaMs > 0 ? timeouts.deltaMs : cap; // a genesis may set no delta
    const delayMs = Math.min(cap, first * 2 ** Math.min(this.resends, 30));
    this.host.emit({ type: 'schedule_timeout', height: this.h.height, round, step: 'resend', delayMs });
  }

  private schedule(step: Step, round: number): void {
    const delayMs = stepTimeout(this.h.config.timeouts, step, round);
    this.host.emit({ type: 'schedule_timeout', height: this.h.height, round, step, delayMs });
  }
}
