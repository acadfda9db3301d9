import { Domain, fromHex, signingBytes, toHex } from '../common/index.js';
import type { Signer, Verify } from '../crypto/index.js';
import { type Block, headerHash, voteBytes } from '../ledger/index.js';
import type { Proposal, Vote } from './types.js';

/** The exact bytes a proposer signs: the block is bound by its header hash. */
export function proposalBytes(
  network: string,
  p: { height: number; round: number; blockHash: string; validRound: number },
): Uint8Array {
  const { height, round, blockHash, validRound } = p;
  return signingBytes(Domain.Proposal, { network, height, round, blockHash, validRound });
}

export function signProposal(
  signer: Signer,
  network: string,
  proposer: string,
  p: { height: number; round: number; block: Block; validRound: number },
): Proposal {
  const blockHash = headerHash(p.block.header);
  const signature = toHex(signer.sign(proposalBytes(network, { ...p, blockHash })));
  return {
    type: 'proposal',
    height: p.height,
    round: p.round,
    block: p.block,
    validRound: p.validRound,
    proposer,
    signature,
  };
}

export function signVote(
  signer: Signer,
  network: string,
  voter: string,
  v: { type: Vote['type']; height: number; round: number; blockHash: string | null },
): Vote {
  const signature = toHex(signer.sign(voteBytes(v.type, network, v.height, v.round, v.blockHash)));
  return { type: v.type, height: v.height, round: v.round, blockHash: v.blockHash, voter, signature };
}

export function proposalSignatureOk(
  verify: Verify,
  network: string,
  publicKey: Uint8Array,
  p: Proposal,
  blockHash: string,
): boolean {
  const bytes = proposalBytes(network, {
    height: p.height,
    round: p.round,
    blockHash,
    validRound: p.validRound,
  });
  return verifySafely(verify, publicKey, bytes, p.signature);
}

export function voteSignatureOk(verify: Verify, network: string, publicKey: Uint8Array, v: Vote): boolean {
  const bytes = voteBytes(v.type, network, v.height, v.round, v.blockHash);
  return verifySafely(verify, publicKey, bytes, v.signature);
}

/** A malformed signature or a throwing verifier means "not valid", never an exception. */
export function verifySafely(
  verify: Verify,
  publicKey: Uint8Array,
  bytes: Uint8Array,
  signatureHex: string,
): boolean {
  try {
    return verify(publicKey, bytes, fromHex(signatureHex));
  } catch {
    return false;
  }
}

/** Same (height, round, type) slot: the core signs at most one message per slot. */
export function sameSlot(a: Proposal | Vote, type: Proposal['type'] | Vote['type'], round: number): boolean {
  return a.type === type && a.round === round;
}
