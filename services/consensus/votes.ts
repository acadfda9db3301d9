import type { MemberSignature } from '../ledger/index.js';
import type { Proposal, Vote } from './types.js';

export type AddResult = 'added' | 'duplicate' | 'conflict';

/**
 * The prevotes or precommits of one round: the first vote of each validator counts, a second
 * different one is a conflict (equivocation) and never counted, so no validator weighs twice.
 */
export class VoteSet {
  private readonly byVoter = new Map<number, Vote>();
  /** Votes per block hash; the key null counts votes for nil. */
  private readonly tally = new Map<string | null, number>();

  get size(): number {
    return this.byVoter.size;
  }

  get(voter: number): Vote | undefined {
    return this.byVoter.get(voter);
  }

  /** Checks a vote against the one already held for its voter, without adding it. */
  compare(voter: number, vote: Vote): AddResult {
    const held = this.byVoter.get(voter);
    if (!held) return 'added';
    return held.blockHash === vote.blockHash && held.signature === vote.signature ? 'duplicate' : 'conflict';
  }

  add(voter: number, vote: Vote): AddResult {
    const result = this.compare(voter, vote);
    if (result !== 'added') return result;
    this.byVoter.set(voter, vote);
    this.tally.set(vote.blockHash, (this.tally.get(vote.blockHash) ?? 0) + 1);
    return result;
  }

  count(blockHash: string | null): number {
    return this.tally.get(blockHash) ?? 0;
  }

  /** The block hash (not nil) that has at least `quorum` votes, if any. At most one can. */
  blockWithQuorum(quorum: number): string | undefined {
    for (const [hash, n] of this.tally) if (hash !== null && n >= quorum) return hash;
    return undefined;
  }

  /** The votes for `blockHash` in validator order, so every node builds the same list. */
  votesFor(blockHash: string | null): Vote[] {
    const voters = [...this.byVoter.keys()].sort((a, b) => a - b);
    const out: Vote[] = [];
    for (const i of voters) {
      const v = this.byVoter.get(i);
      if (v && v.blockHash === blockHash) out.push(v);
    }
    return out;
  }

  /** Signatures of the votes for `blockHash`, in validator order (a commit certificate's list). */
  signaturesFor(blockHash: string): MemberSignature[] {
    return this.votesFor(blockHash).map((v) => ({ member: v.voter, signature: v.signature }));
  }
}

/** Everything seen for one round of the current height. */
export interface RoundState {
  proposal: Proposal | null;
  /** headerHash of the proposal's block, computed once. */
  proposalHash: string | null;
  prevotes: VoteSet;
  precommits: VoteSet;
  /** Validators that sent any valid message for this round (the f+1 round-skip rule). */
  senders: Set<number>;
  /** Tendermint's "for the first time" guards. */
  prevoteTimerSet: boolean;
  precommitTimerSet: boolean;
  polkaHandled: boolean;
}

/** Round states of the current height, created on first valid message. */
export class RoundBook {
  private readonly rounds = new Map<number, RoundState>();

  peek(round: number): RoundState | undefined {
    return this.rounds.get(round);
  }

  get(round: number): RoundState {
    let rs = this.rounds.get(round);
    if (!rs) {
      rs = {
        proposal: null,
        proposalHash: null,
        prevotes: new VoteSet(),
        precommits: new VoteSet(),
        senders: new Set(),
        prevoteTimerSet: false,
        precommitTimerSet: false,
        polkaHandled: false,
      };
      this.rounds.set(round, rs);
    }
    return rs;
  }

  /** The highest round above `round` that f+1 distinct validators have already reached. */
  skipTarget(round: number, f: number): number | undefined {
    let best: number | undefined;
    for (const [r, rs] of this.rounds) {
      if (r > round && rs.senders.size >= f + 1 && (best === undefined || r > best)) best = r;
    }
    return best;
  }
}
