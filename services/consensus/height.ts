import { type Block, headerHash } from '../ledger/index.js';
import { sameSlot } from './messages.js';
import type { ChainTip, ConsensusConfig, PersistedState, Proposal, Step, Vote } from './types.js';
import { type BlockContext, clockProblem, staticBlockProblem } from './validation.js';
import type { ValidatorSet } from './validators.js';
import { RoundBook } from './votes.js';

export interface CoreEnv {
  config: ConsensusConfig;
  validators: ValidatorSet;
  /** This node's index in the validator set; undefined for a non-validating observer. */
  selfIndex: number | undefined;
}

/**
 * Everything the core knows about the height being decided. A new height gets a fresh object,
 * so nothing from an earlier height (votes, locks, caches) can leak into the next.
 */
export class HeightState {
  readonly height: number;
  round = 0;
  step: Step = 'propose';
  // Tendermint's lockedValue/lockedRound and validValue/validRound.
  lockedRound = -1;
  lockedBlock: Block | null = null;
  lockedHash: string | null = null;
  validRound = -1;
  validBlock: Block | null = null;
  private validHash: string | null = null;
  /** Own proposal and votes signed at this height: re-sent, never re-signed. */
  sent: Array<Proposal | Vote> = [];
  readonly book = new RoundBook();
  /** Blocks of this height by header hash, from verified proposals (and restored state). */
  readonly blocks = new Map<string, Block>();
  /** The earliest round in which each known block was proposed (or locked, or became valid). */
  private readonly blockRounds = new Map<string, number>();
  /** Rounds holding 2f+1 precommits for one block (that block may not be known yet). */
  readonly decidable = new Set<number>();
  /** The round whose `build_block` is outstanding, if any. */
  pendingBuild: number | null = null;
  /** staticBlockProblem per block hash: deterministic for the height, so computed once. */
  private readonly staticProblems = new Map<string, string | null>();

  constructor(
    readonly tip: ChainTip,
    private readonly env: CoreEnv,
  ) {
    this.height = tip.height + 1;
  }

  /** Rebuilds the state persisted before a restart; own messages count as received. */
  static restore(tip: ChainTip, env: CoreEnv, p: PersistedState): HeightState {
    const h = new HeightState(tip, env);
    h.round = p.round;
    h.step = p.step;
    if (p.lockedBlock) h.lock(p.lockedBlock, headerHash(p.lockedBlock.header), p.lockedRound);
    if (p.validBlock) h.setValid(p.validBlock, p.validRound);
    for (const m of p.sent) h.addOwn(m);
    for (const v of p.validPolka ?? []) {
      const voter = env.validators.indexOf(v.voter);
      if (voter !== undefined && v.type === 'prevote' && v.round === p.validRound) h.addVote(voter, v);
    }
    return h;
  }

  get config(): ConsensusConfig {
    return this.env.config;
  }

  get validators(): ValidatorSet {
    return this.env.validators;
  }

  /** Whether this node votes at this height (false for an observer, or a member not yet added). */
  get isValidator(): boolean {
    return this.env.selfIndex !== undefined;
  }

  get self(): string {
    return this.env.config.self;
  }

  get context(): BlockContext {
    const { network } = this.env.config;
    return { network, height: this.height, tip: this.tip, validators: this.env.validators };
  }

  isProposer(round: number): boolean {
    return this.env.validators.proposerOf(this.height, round).id === this.env.config.self;
  }

  lock(block: Block, hash: string, round: number): void {
    this.lockedBlock = block;
    this.lockedHash = hash;
    this.lockedRound = round;
    this.know(block, hash, round);
  }

  setValid(block: Block, round: number): void {
    this.validBlock = block;
    this.validRound = round;
    this.validHash = headerHash(block.header);
    this.know(block, this.validHash, round);
  }

  private know(block: Block, hash: string, round: number): void {
    this.blocks.set(hash, block);
    const seen = this.blockRounds.get(hash);
    if (seen === undefined || round < seen) this.blockRounds.set(hash, round);
  }

  /** The proposal this node already signed for `round` of this height, if any. */
  ownProposal(round: number): Proposal | undefined {
    return this.sent.find((m): m is Proposal => sameSlot(m, 'proposal', round));
  }

  /** The vote this node already signed for (type, round) of this height, if any. */
  ownVote(type: Vote['type'], round: number): Vote | undefined {
    return this.sent.find((m): m is Vote => sameSlot(m, type, round));
  }

  /** Records a message this node signed (or signed before a restart) and counts it. */
  addOwn(m: Proposal | Vote): void {
    if (!this.sent.includes(m)) this.sent.push(m);
    const self = this.env.selfIndex;
    if (self === undefined) return;
    if (m.type === 'proposal') this.addProposal(self, m, headerHash(m.block.header));
    else this.addVote(self, m);
  }

  addProposal(proposer: number, p: Proposal, hash: string): void {
    const rs = this.book.get(p.round);
    if (rs.proposal) return;
    rs.proposal = p;
    rs.proposalHash = hash;
    rs.senders.add(proposer);
    this.know(p.block, hash, p.round);
  }

  addVote(voter: number, v: Vote): void {
    const rs = this.book.get(v.round);
    const set = v.type === 'prevote' ? rs.prevotes : rs.precommits;
    const first = set.get(voter);
    if (first && first.blockHash !== v.blockHash && !this.countsWhenConflicting(v)) return;
    if (!set.add(voter, v)) return;
    rs.senders.add(voter);
    if (
      v.type === 'precommit' &&
      v.blockHash !== null &&
      set.count(v.blockHash) >= this.env.validators.quorum
    ) {
      this.decidable.add(v.round);
    }
  }

  /**
   * A verified vote for another value than its voter's first one counts only if it is for this
   * round or an earlier one, and for a block proposed by this round. The case that matters is a
   * relayed polka for a block re-proposed now. Anything else (nil, which timeouts stand in for,
   * blocks nobody proposed, later rounds) is not kept, so an equivocating member cannot make the
   * core store votes without bound.
   */
  private countsWhenConflicting(v: Vote): boolean {
    if (v.round > this.round || v.blockHash === null) return false;
    const proposed = this.blockRounds.get(v.blockHash);
    return proposed !== undefined && proposed <= this.round;
  }

  /** valid(v) of the paper for a proposal of this height, at the clock reading `now`. */
  problemOf(p: Pick<Proposal, 'validRound' | 'round' | 'block'>, hash: string, now: number): string | null {
    const view = p.block.header.view;
    if (view > p.round || (p.validRound === -1 && view !== p.round)) return 'view_mismatch';
    let fixed = this.staticProblems.get(hash);
    if (fixed === undefined) {
      fixed = staticBlockProblem(p.block, this.context, this.env.config.validateBlock);
      this.staticProblems.set(hash, fixed);
    }
    return fixed ?? clockProblem(p.block, now, this.env.config.timeouts.maxClockDriftMs);
  }

  /**
   * The 2f+1 prevotes that made validBlock valid in validRound. A re-proposal (L28) is only
   * acceptable to a node that holds them, and the node that missed some of them may have missed
   * them for good (their sender crashed), so whoever re-proposes or still relies on them relays them.
   */
  polkaForValid(): Vote[] {
    if (this.validRound < 0 || this.validHash === null) return [];
    const rs = this.book.peek(this.validRound);
    return rs ? rs.prevotes.votesFor(this.validHash) : [];
  }

  /**
   * The 2f+1 precommits of each round that decided a block this node has never seen. This node
   * cannot commit without the block, and the members that hold it may have missed some of those
   * precommits for good (their sender crashed): Tendermint gossips received votes for this, so the
   * core relays them, and whoever holds the block decides, after which this node catches up.
   */
  precommitsForUnknownBlocks(): Vote[] {
    const votes: Vote[] = [];
    for (const round of [...this.decidable].sort((a, b) => a - b)) {
      const precommits = this.book.get(round).precommits;
      const hash = precommits.blockWithQuorum(this.env.validators.quorum);
      if (hash !== undefined && !this.blocks.has(hash)) votes.push(...precommits.votesFor(hash));
    }
    return votes;
  }

  /**
   * Every validator's first prevote and precommit held for this round and the previous one. A node
   * leaves a round on votes the others may not have (2f+1 precommits of any kind, f+1 senders of a
   * later round), and with exactly 2f+1 correct members every one of them must see those votes, or
   * those still in the old round wait for a vote that will never be signed. Tendermint gossips
   * received votes for this; the retransmission tick relays these.
   */
  recentVotes(): Vote[] {
    const votes: Vote[] = [];
    for (const round of [this.round - 1, this.round]) {
      const rs = this.book.peek(round);
      if (rs) votes.push(...rs.prevotes.firstVotes(), ...rs.precommits.firstVotes());
    }
    return votes;
  }

  snapshot(): PersistedState {
    const { height, round, step, lockedRound, lockedBlock, validRound, validBlock } = this;
    const sent = [...this.sent];
    return {
      height,
      round,
      step,
      lockedRound,
      lockedBlock,
      validRound,
      validBlock,
      sent,
      validPolka: this.polkaForValid(),
    };
  }
}
