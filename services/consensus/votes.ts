import type { MemberSignature } from '../ledger/index.js';
import type { Proposal, Vote } from './types.js';

export type AddResult = 'added' | 'duplicate' | 'conflict';

/**
 * The prevotes or precommits of one round. Each voter counts at most once per value (a block hash,
 * or nil), and its first vote is the one `get` returns and `size` counts. A voter that signs a
 * second, different value (equivocation) may be counted for that value too (HeightState decides
 * when: only for a proposed block), as Tendermint counts messages per value from distinct senders.
 * The polka a correct member relays may hold a faulty member's vote that this node first saw for
 * another value, and refusing it could leave correct members locked forever on a block the others
 * cannot accept. Safety needs only that the 2f+1 counted for one value are distinct members: two
 * such sets share a correct member, which never signs two values.
 */
export class VoteSet {
  private readonly first = new Map<number, Vote>();
  /** Counted votes per value; the key null holds the votes for nil. */
  private readonly byValue = new Map<string | null, Map<number, Vote>>();

  /** Distinct voters: Tendermint's "2f+1 votes of any kind". */
  get size(): number {
    return this.first.size;
  }

  /** The voter's first vote. */
  get(voter: number): Vote | undefined {
    return this.first.get(voter);
  }

  /** Checks a vote against what is held for its voter, without adding it. */
  compare(voter: number, vote: Vote): AddResult {
    if (!this.first.has(voter)) return 'added';
    const counted = this.byValue.get(vote.blockHash)?.get(voter);
    return counted?.signature === vote.signature ? 'duplicate' : 'conflict';
  }

  /** Counts a verified vote for its value. False when the voter already counts for that value. */
  add(voter: number, vote: Vote): boolean {
    let votes = this.byValue.get(vote.blockHash);
    if (votes?.has(voter)) return false;
    if (!votes) {
      votes = new Map();
      this.byValue.set(vote.blockHash, votes);
    }
    votes.set(voter, vote);
    if (!this.first.has(voter)) this.first.set(voter, vote);
    return true;
  }

  /** Each voter's first vote, in validator order. */
  firstVotes(): Vote[] {
    return [...this.first.keys()].sort((a, b) => a - b).map((i) => this.first.get(i) as Vote);
  }

  count(blockHash: string | null): number {
    return this.byValue.get(blockHash)?.size ?? 0;
  }

  /** The block hash (not nil) that has at least `quorum` votes, if any. At most one can. */
  blockWithQuorum(quorum: number): string | undefined {
    for (const [hash, votes] of this.byValue) if (hash !== null && votes.size >= quorum) return hash;
    return undefined;
  }

  /** The votes for `blockHash` in validator order, so every node builds the same list. */
  votesFor(blockHash: string | null): Vote[] {
    const votes = this.byValue.get(blockHash);
    if (!votes) return [];
    return [...votes.keys()].sort((a, b) => a - b).map((i) => votes.get(i) as Vote);
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
