import type { Block, CommitCertificate } from '../ledger/index.js';
import { FutureBuffer, PeerHeights } from './catchup.js';
import { evidenceSlot } from './evidence.js';
import { type CoreEnv, HeightState } from './height.js';
import { type Checker, checkProposal, checkVote } from './intake.js';
import { HeightMachine, type MachineHost } from './round.js';
import type {
  ChainTip,
  ConsensusAction,
  ConsensusConfig,
  ConsensusCore,
  ConsensusInput,
  ConsensusMessage,
  CoreStatus,
  Decision,
  Evidence,
  PersistedState,
  Proposal,
  TimerKind,
  Validator,
  Vote,
} from './types.js';
import { decisionProblem } from './validation.js';
import { ValidatorSet } from './validators.js';

/** Next-height messages kept while the current height is still being decided. */
const FUTURE_LIMIT = 10_000;

export function createConsensusCore(config: ConsensusConfig): ConsensusCore {
  return new TendermintCore(config);
}

/**
 * The consensus core: a pure state machine around Tendermint (round.ts). It routes inputs,
 * checks messages, waits for transactions before a height starts, commits decisions, restores
 * after a restart and asks the driver for catch-up. Each `step` call handles one input and
 * returns the actions it caused, in the order the driver must carry them out.
 */
class TendermintCore implements ConsensusCore, MachineHost {
  now = 0;
  /** The validators of the height being decided, and this node's place among them. */
  private env: CoreEnv;
  private checker: Checker;
  private readonly sets = new WeakMap<readonly Validator[], ValidatorSet>();
  private readonly future = new FutureBuffer(FUTURE_LIMIT);
  /** Buffered messages of the height just entered, replayed at the start of the next step. */
  private replayPending = false;
  private readonly peerHeights: PeerHeights;
  private out: ConsensusAction[] = [];
  /** Messages broadcast in the current step. */
  private readonly broadcasted = new Set<ConsensusMessage>();
  private started = false;
  private txsAvailable = false;
  private m: HeightMachine;
  /**
   * Before round 0 of a height starts, the node waits: first `commitMs` (late precommits and txs
   * arrive), then, with an empty mempool, up to `emptyBlockIntervalMs` (heartbeat blocks only).
   */
  private waitStage: 'commit' | 'empty' = 'commit';
  /**
   * Slots (member, round, type) already reported as evidence, by height. Equivocation is only
   * detected at the height being decided, so older heights are dropped as the chain moves on.
   */
  private readonly evidenceSeen = new Map<number, Set<string>>();

  constructor(private readonly config: ConsensusConfig) {
    this.env = this.envFor(1);
    this.checker = this.checkerFor(this.env);
    // A peer one height away for a whole propose timeout is stuck, not just racing a commit.
    this.peerHeights = new PeerHeights(config.timeouts.proposeMs, config.timeouts.proposeMs);
    this.m = new HeightMachine(new HeightState({ height: 0, hash: '', timestamp: 0 }, this.env), this);
  }

  /** The validator set deciding `height` (config.validatorsAt), built once per distinct list. */
  private validatorsOf(height: number): ValidatorSet {
    const list = this.config.validatorsAt?.(height) ?? this.config.validators;
    let set = this.sets.get(list);
    if (!set) {
      set = new ValidatorSet(list);
      this.sets.set(list, set);
    }
    return set;
  }

  private envFor(height: number): CoreEnv {
    const validators = this.validatorsOf(height);
    return { config: this.config, validators, selfIndex: this.selfIn(validators) };
  }

  /**
   * This node's index among `validators`, if it votes there: its org must be a validator with the
   * key this node signs with. After a key rotation the old key signs nothing (docs/consensus.md).
   */
  private selfIn(validators: ValidatorSet): number | undefined {
    const index = validators.indexOf(this.config.self);
    if (index === undefined) return undefined;
    const key = validators.at(index).publicKey;
    const own = this.config.signer.publicKey;
    return key.length === own.length && key.every((b, i) => b === own[i]) ? index : undefined;
  }

  private checkerFor(env: CoreEnv): Checker {
    return { network: this.config.network, validators: env.validators, verify: this.config.verify };
  }

  /** Enters the validator set of `height` (a height boundary is the only place it may change). */
  private useHeight(height: number): void {
    const validators = this.validatorsOf(height);
    if (validators === this.env.validators) return;
    this.env = { config: this.config, validators, selfIndex: this.selfIn(validators) };
    this.checker = this.checkerFor(this.env);
  }

  get status(): CoreStatus {
    const { height, round, step } = this.m.h;
    const phase = this.m.running
      ? 'in_round'
      : this.waitStage === 'commit'
        ? 'after_commit'
        : 'awaiting_transactions';
    return { height, round, step, proposer: this.env.validators.proposerOf(height, round).id, phase };
  }

  step(input: ConsensusInput): ConsensusAction[] {
    this.out = [];
    this.broadcasted.clear();
    this.now = input.now;
    if (input.type === 'start') this.start(input.tip, input.persisted ?? null);
    else if (this.started) {
      if (this.replayPending) {
        this.replayPending = false;
        for (const { from, message } of this.future.take()) this.onMessage(from, message);
      }
      this.dispatch(input);
    }
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
        if (input.height === this.m.h.height) this.m.onBlockBuilt(input.round, input.block);
        break;
      case 'txs_available':
        this.txsAvailable = input.available;
        if (input.available && this.waitStage === 'empty') this.startHeight();
        break;
      case 'peer_connected': {
        const send = (message: Vote): ConsensusAction => ({ type: 'send', to: input.peer, message });
        const relayed = new Set([...this.m.relayPolka(send), ...this.m.relayDecidingPrecommits(send)]);
        for (const message of this.m.h.sent) {
          if (!relayed.has(message)) this.emit({ type: 'send', to: input.peer, message });
        }
        break;
      }
    }
  }

  // ---- heights ---------------------------------------------------------------------------

  private start(tip: ChainTip, persisted: PersistedState | null): void {
    this.started = true;
    this.txsAvailable = false;
    this.future.take();
    this.replayPending = false;
    if (persisted && persisted.height === tip.height + 1) this.restore(tip, persisted);
    else this.enterHeight(tip);
  }

  private enterHeight(tip: ChainTip): void {
    this.useHeight(tip.height + 1);
    this.m = new HeightMachine(new HeightState(tip, this.env), this);
    for (const height of this.evidenceSeen.keys()) if (height <= tip.height) this.evidenceSeen.delete(height);
    this.peerHeights.clear();
    this.waitStage = 'commit';
    this.schedule('commit', this.config.timeouts.commitMs);
  }

  /**
   * Restart at the same height: own signed messages count as received and are re-sent, and the
   * round resumes where it was, so nothing already signed is ever signed differently.
   */
  private restore(tip: ChainTip, p: PersistedState): void {
    this.useHeight(p.height);
    this.m = new HeightMachine(HeightState.restore(tip, this.env, p), this);
    this.peerHeights.clear();
    this.log('info', 'restored', { height: p.height, round: p.round, step: p.step, sent: p.sent.length });
    this.m.resume();
  }

  /** Round 0 of the current height, once the wait is over (or others are already at work). */
  private startHeight(): void {
    if (this.m.running) return;
    this.m.startRound(0);
    this.m.progress();
  }

  /** Commits a decided block and moves to the next height; the commit action comes first. */
  decide(block: Block, hash: string, certificate: CommitCertificate): void {
    const { height } = this.m.h;
    this.emit({ type: 'commit', block, hash, certificate });
    this.log('debug', 'committed', { height, round: certificate.round, hash, txs: block.txs.length });
    this.enterHeight({ height, hash, timestamp: block.header.timestamp });
    // With a validator set that changes (validatorsAt), the new height's buffered messages wait for
    // the next step: by then the driver has applied this commit. Replayed now, a buffered decision
    // would commit the new height too and enter the one after, whose set depends on this block,
    // before the application has it (docs/consensus.md, "Reconfiguration").
    if (this.config.validatorsAt) this.replayPending = true;
    else for (const { from, message } of this.future.take()) this.onMessage(from, message);
  }

  private onTimeout(height: number, round: number, step: TimerKind): void {
    if (height !== this.m.h.height) return; // stale
    if (step === 'resend') {
      this.m.onResendTick(round);
    } else if (step !== 'commit' && step !== 'empty') {
      this.m.onTimeout(round, step);
    } else if (!this.m.running && step === this.waitStage) {
      if (step === 'commit' && !this.txsAvailable) {
        this.waitStage = 'empty';
        this.schedule('empty', this.config.timeouts.emptyBlockIntervalMs);
      } else {
        this.startHeight();
      }
    }
  }

  // ---- incoming messages -----------------------------------------------------------------

  private onMessage(from: string, m: ConsensusMessage): void {
    if (m.type === 'decision') {
      this.onDecision(from, m);
      return;
    }
    const signer = m.type === 'proposal' ? m.proposer : m.voter;
    const { height } = this.m.h;
    // Each message is judged by the validators of its own height: the next height's set is known
    // (it depends on blocks up to height - 1), later ones are judged by it too until replayed.
    const at = Number.isSafeInteger(m.height) && m.height > height ? height + 1 : height;
    const index = (at === height ? this.env.validators : this.validatorsOf(at)).indexOf(signer);
    if (index === undefined) this.reject(from, m, 'not_a_validator');
    else if (m.height < height) this.peerBehind(from, m.height);
    else if (m.height > height) this.fromFuture(from, m, m.height);
    else this.onCurrent(from, index, m);
  }

  /** A proposal or vote for the height being decided. */
  private onCurrent(from: string, index: number, m: Proposal | Vote): void {
    const { checker } = this;
    const { h } = this.m;
    const intake =
      m.type === 'proposal' ? checkProposal(checker, h, index, m) : checkVote(checker, h, index, m);
    if (intake.kind === 'rejected') this.reject(from, m, intake.event, intake.extra);
    if (intake.kind !== 'duplicate' && intake.evidence) {
      const { first, second } = intake.evidence;
      if (intake.kind === 'new')
        this.reject(from, m, 'equivocation', { first: first.blockHash, second: second.blockHash });
      this.reportEvidence(intake.evidence);
    }
    if (intake.kind !== 'new') return;
    if (m.type !== 'proposal') h.addVote(index, m);
    else if (intake.hash !== null) h.addProposal(index, m, intake.hash);
    // A height waiting for txs starts as soon as another validator is visibly working on it.
    if (!this.m.running && index !== this.env.selfIndex) this.m.startRound(0);
    if (this.m.running) this.m.progress();
  }

  /** Catch-up: a certified block for this height is committed without taking part in its rounds. */
  private onDecision(from: string, d: Decision): void {
    const height = d.block.header.height;
    if (!Number.isSafeInteger(height) || height < this.m.h.height) return;
    if (height > this.m.h.height) {
      this.fromFuture(from, d, height + 1); // the peer has committed `height`, so it is past it
      return;
    }
    const problem = decisionProblem(d, this.m.h.context, this.config.verify);
    if (problem) this.reject(from, d, 'invalid_decision', { problem });
    else this.decide(d.block, d.certificate.blockHash, d.certificate);
  }

  /** A message from a later height: keep it if it is for the next one, and maybe catch up. */
  private fromFuture(from: string, m: ConsensusMessage, peerHeight: number): void {
    const { height } = this.m.h;
    const mHeight = m.type === 'decision' ? m.block.header.height : m.height;
    if (mHeight === height + 1 && !this.future.push({ from, message: m })) {
      this.log('debug', 'future_buffer_full', { from, height: mHeight });
    }
    if (this.peerHeights.shouldEmit('ahead', from, peerHeight, peerHeight === height + 1, this.now)) {
      this.emit({ type: 'sync_from', peer: from, height: peerHeight });
    }
  }

  private peerBehind(from: string, peerHeight: number): void {
    const adjacent = peerHeight === this.m.h.height - 1;
    if (this.peerHeights.shouldEmit('behind', from, peerHeight, adjacent, this.now)) {
      this.emit({ type: 'peer_behind', peer: from, height: peerHeight });
    }
  }

  /** Each piece of evidence once per (member, height, round, type) for the core's lifetime. */
  private reportEvidence(evidence: Evidence): void {
    let seen = this.evidenceSeen.get(evidence.height);
    if (!seen) {
      seen = new Set();
      this.evidenceSeen.set(evidence.height, seen);
    }
    const slot = evidenceSlot(evidence);
    if (seen.has(slot)) return;
    seen.add(slot);
    this.emit({ type: 'evidence', evidence });
  }

  private reject(from: string, m: ConsensusMessage, event: string, extra?: Record<string, unknown>): void {
    this.log('warn', event, { from, ...summary(m), ...extra });
  }

  // ---- output ----------------------------------------------------------------------------

  private schedule(step: 'commit' | 'empty', delayMs: number): void {
    this.emit({ type: 'schedule_timeout', height: this.m.h.height, round: 0, step, delayMs });
  }

  log(level: 'debug' | 'info' | 'warn', event: string, data: Record<string, unknown>): void {
    this.emit({ type: 'log', level, event, data });
  }

  emit(action: ConsensusAction): void {
    // Relays and re-sends can name the same message twice in one step (a round change re-proposes
    // right after the retransmission tick): once is enough.
    if (action.type === 'broadcast') {
      if (this.broadcasted.has(action.message)) return;
      this.broadcasted.add(action.message);
    }
    this.out.push(action);
  }
}

/** The identifying fields of a message, for logs. */
function summary(m: ConsensusMessage): Record<string, unknown> {
  if (m.type === 'decision') return { type: m.type, height: m.certificate.height };
  const signer = m.type === 'proposal' ? m.proposer : m.voter;
  return { type: m.type, height: m.height, round: m.round, signer };
}
