import { headerHash } from '../ledger/index.js';
import { conflictingProposalEvidence, duplicateVoteEvidence, signedProposalHeader } from './evidence.js';
import type { HeightState } from './height.js';
import { proposalSignatureOk, voteSignatureOk } from './messages.js';
import type { Evidence, Proposal, Vote } from './types.js';
import { proposalShapeProblem } from './validation.js';
import type { ValidatorSet } from './validators.js';

/** What to do with a proposal or vote for the current height. */
export type Intake =
  /** With evidence: a verified vote that conflicts with its voter's first one, for another value. */
  | { kind: 'new'; hash: string | null; evidence?: Evidence }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; event: string; extra?: Record<string, unknown>; evidence?: Evidence };

export interface Checker {
  network: string;
  validators: ValidatorSet;
  verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;
}

/**
 * Messages further ahead than this many rounds are dropped: round state is created per round, and
 * a faulty validator must not be able to create it without bound. Honest validators only move
 * rounds together (2f+1 precommits or f+1 senders), so they are never this far apart.
 */
export const MAX_ROUNDS_AHEAD = 10_000;

const reject = (event: string, extra?: Record<string, unknown>): Extract<Intake, { kind: 'rejected' }> => ({
  kind: 'rejected',
  event,
  extra,
});

/**
 * A proposal counts only if it comes from the round's proposer, is well formed and verifies.
 * Re-sent copies are recognised by signature before any hashing or verifying, since re-sending is
 * how the protocol survives message loss and copies are the common case.
 */
export function checkProposal(c: Checker, h: HeightState, proposer: number, p: Proposal): Intake {
  const shape = proposalShapeProblem(p);
  if (shape) return reject('invalid_proposal', { problem: shape });
  if (p.round > h.round + MAX_ROUNDS_AHEAD) return reject('round_too_far');
  if (c.validators.proposerOf(p.height, p.round).id !== p.proposer) return reject('wrong_proposer');
  const held = h.book.peek(p.round);
  if (held?.proposal?.signature === p.signature) return { kind: 'duplicate' };
  const hash = headerHash(p.block.header);
  if (!proposalSignatureOk(c.verify, c.network, c.validators.at(proposer).publicKey, p, hash)) {
    return reject('invalid_signature');
  }
  // Verified yet different from the first one: the proposer equivocates. The first one stands.
  // Two signed proposals for different blocks prove it to anyone; a second signature over the same
  // block (another validRound) is dropped but proves nothing worth recording.
  if (held?.proposal) {
    const first = held.proposalHash;
    const rejected = reject('equivocation', { first, second: hash });
    if (first === null || first === hash) return rejected;
    const evidence = conflictingProposalEvidence(
      signedProposalHeader(held.proposal, first),
      signedProposalHeader(p, hash),
    );
    return { ...rejected, evidence };
  }
  return { kind: 'new', hash };
}

/** The first verified vote per (voter, round, type) counts; a different second one is equivocation. */
export function checkVote(c: Checker, h: HeightState, voter: number, v: Vote): Intake {
  if (!Number.isSafeInteger(v.round) || v.round < 0) return reject('invalid_vote');
  if (v.round > h.round + MAX_ROUNDS_AHEAD) return reject('round_too_far');
  const rs = h.book.peek(v.round);
  const set = rs && (v.type === 'prevote' ? rs.prevotes : rs.precommits);
  const seen = set?.compare(voter, v) ?? 'added';
  if (seen === 'duplicate') return { kind: 'duplicate' };
  const key = c.validators.at(voter).publicKey;
  if (!voteSignatureOk(c.verify, c.network, key, v)) return reject('invalid_signature');
  const held = set?.get(voter);
  if (seen === 'conflict') {
    // A different value (nil counts) signed for one slot is evidence, and the vote may still count
    // for its value (HeightState.addVote). A second signature over a value already counted for this
    // voter proves nothing (signatures may be malleable, so anyone could have made it): dropped.
    if (!held || held.blockHash === v.blockHash) return reject('equivocation', { first: held?.blockHash });
    return { kind: 'new', hash: v.blockHash, evidence: duplicateVoteEvidence(held, v) };
  }
  return { kind: 'new', hash: v.blockHash };
}
