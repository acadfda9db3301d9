import type { Verify } from '../crypto/index.js';
import { voteBytes } from '../ledger/index.js';
import { proposalBytes, verifySafely } from './messages.js';
import type { Evidence, Proposal, SignedProposalHeader, Vote } from './types.js';

/** The part of a proposal its signature covers, plus who signed it: evidence without the block. */
export function signedProposalHeader(p: Proposal, blockHash: string): SignedProposalHeader {
  const { height, round, validRound, proposer, signature } = p;
  return { height, round, blockHash, validRound, proposer, signature };
}

/** Evidence from two verified votes of one member for one slot with different blockHash. */
export function duplicateVoteEvidence(first: Vote, second: Vote): Evidence {
  return {
    kind: 'duplicate_vote',
    member: first.voter,
    height: first.height,
    round: first.round,
    first: copyVote(first),
    second: copyVote(second),
  };
}

/** Evidence from two verified proposals of one member for one (height, round), different blocks. */
export function conflictingProposalEvidence(
  first: SignedProposalHeader,
  second: SignedProposalHeader,
): Evidence {
  return {
    kind: 'conflicting_proposal',
    member: first.proposer,
    height: first.height,
    round: first.round,
    first,
    second,
  };
}

/** The slot an evidence is about: one piece of evidence per slot is enough. */
export function evidenceSlot(e: Evidence): string {
  const step = e.kind === 'duplicate_vote' ? e.first.type : 'proposal';
  return `${e.member}\u0000${e.height}\u0000${e.round}\u0000${step}`;
}

/**
 * Checks evidence with nothing but the genesis member keys: both messages are signed by `member`
 * (a member), are for the evidence's height and round (and, for votes, the same type), carry
 * different values (nil is a value for votes), and both signatures verify over the network's
 * signing bytes. Pure and deterministic, never throws: the input may be any JSON from a peer.
 */
export function verifyEvidence(
  evidence: Evidence,
  network: string,
  members: ReadonlyMap<string, Uint8Array>,
  verify: Verify,
): boolean {
  try {
    return evidenceOk(evidence as unknown, network, members, verify);
  } catch {
    return false;
  }
}

function evidenceOk(
  e: unknown,
  network: string,
  members: ReadonlyMap<string, Uint8Array>,
  verify: Verify,
): boolean {
  if (!isObject(e) || typeof e.member !== 'string' || !isRound(e.height) || !isRound(e.round)) return false;
  const key = members.get(e.member);
  if (!key || !isObject(e.first) || !isObject(e.second)) return false;
  const { first, second } = e;
  const slot = { height: e.height, round: e.round };
  if (e.kind === 'duplicate_vote') {
    if (!isVote(first) || !isVote(second)) return false;
    if (first.voter !== e.member || second.voter !== e.member || first.type !== second.type) return false;
    if (!sameSlot(first, slot) || !sameSlot(second, slot) || first.blockHash === second.blockHash)
      return false;
    return [first, second].every((v) =>
      verifySafely(verify, key, voteBytes(v.type, network, v.height, v.round, v.blockHash), v.signature),
    );
  }
  if (e.kind === 'conflicting_proposal') {
    if (!isProposalHeader(first) || !isProposalHeader(second)) return false;
    if (first.proposer !== e.member || second.proposer !== e.member) return false;
    if (!sameSlot(first, slot) || !sameSlot(second, slot) || first.blockHash === second.blockHash)
      return false;
    return [first, second].every((p) => verifySafely(verify, key, proposalBytes(network, p), p.signature));
  }
  return false;
}

function copyVote(v: Vote): Vote {
  const { type, height, round, blockHash, voter, signature } = v;
  return { type, height, round, blockHash, voter, signature };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isRound = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const sameSlot = (m: { height: number; round: number }, s: { height: number; round: number }): boolean =>
  m.height === s.height && m.round === s.round;

function isVote(x: Record<string, unknown>): x is Record<string, unknown> & Vote {
  return (
    (x.type === 'prevote' || x.type === 'precommit') &&
    isRound(x.height) &&
    isRound(x.round) &&
    (x.blockHash === null || typeof x.blockHash === 'string') &&
    typeof x.voter === 'string' &&
    typeof x.signature === 'string'
  );
}

function isProposalHeader(x: Record<string, unknown>): x is Record<string, unknown> & SignedProposalHeader {
  return (
    isRound(x.height) &&
    isRound(x.round) &&
    typeof x.blockHash === 'string' &&
    Number.isSafeInteger(x.validRound) &&
    (x.validRound as number) >= -1 &&
    typeof x.proposer === 'string' &&
    typeof x.signature === 'string'
  );
}
