import type { Verify } from '../crypto/index.js';
import { type Block, blockIsWellFormed, headerHash, verifyCertificate } from '../ledger/index.js';
import type { ChainTip, Decision, Proposal } from './types.js';
import type { ValidatorSet } from './validators.js';

/** What a block is checked against: the chain position of the height being decided. */
export interface BlockContext {
  network: string;
  height: number;
  tip: ChainTip;
  validators: ValidatorSet;
}

const isRound = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/** The checks that make a block a possible child of the tip, whoever votes for it. */
export function chainProblem(block: Block, ctx: BlockContext): string | null {
  const h = block.header;
  if (h.network !== ctx.network) return 'wrong_network';
  if (h.height !== ctx.height) return 'wrong_height';
  if (h.parentHash !== ctx.tip.hash) return 'wrong_parent';
  if (!blockIsWellFormed(block)) return 'malformed_block';
  return null;
}

/**
 * Deterministic validity of a proposed block: the same answer on every correct node for the same
 * tip, so it can be cached per block hash for the height. The clock check is separate.
 */
export function staticBlockProblem(
  block: Block,
  ctx: BlockContext,
  validateBlock: (b: Block) => boolean,
): string | null {
  const h = block.header;
  const chain = chainProblem(block, ctx);
  if (chain) return chain;
  const proposer = isRound(h.view) ? ctx.validators.proposerOf(ctx.height, h.view).id : undefined;
  if (h.proposer !== proposer) return 'wrong_block_proposer';
  const ts = h.timestamp;
  if (!Number.isSafeInteger(ts) || ts <= ctx.tip.timestamp) return 'timestamp_not_after_parent';
  if (!validateBlock(block)) return 'rejected_by_application';
  return null;
}

/** A block stamped too far in the future could skew every event's recordTime. */
export function clockProblem(block: Block, now: number, maxClockDriftMs: number): string | null {
  return block.header.timestamp > now + maxClockDriftMs ? 'timestamp_in_future' : null;
}

/** Fields of the proposal itself: a fresh block is proposed in its own view, a re-proposal later. */
export function proposalShapeProblem(p: Proposal): string | null {
  if (!isRound(p.height) || !isRound(p.round)) return 'bad_round';
  const vr = p.validRound;
  if (!Number.isSafeInteger(vr) || vr < -1 || vr >= p.round) return 'bad_valid_round';
  const view = p.block?.header?.view;
  if (!isRound(view) || view > p.round) return 'view_after_round';
  if (p.validRound === -1 && view !== p.round) return 'view_not_round';
  return null;
}

/** A catch-up decision: the certificate must prove 2f+1 precommits for exactly this block. */
export function decisionProblem(d: Decision, ctx: BlockContext, verify: Verify): string | null {
  const chain = chainProblem(d.block, ctx);
  if (chain) return chain;
  const cert = d.certificate;
  if (cert.height !== ctx.height) return 'certificate_height';
  if (cert.blockHash !== headerHash(d.block.header)) return 'certificate_block';
  const { members, quorum } = ctx.validators;
  if (!verifyCertificate(cert, ctx.network, members, quorum, verify)) return 'certificate_invalid';
  return null;
}
