import { Domain, fromHex, hashOf, signingBytes, toHex } from '../common/encoding.js';
import type { Signer, Verify } from '../crypto/index.js';
import { merkleRoot } from './merkle.js';
import type { Block, BlockHeader, CommitCertificate, Transaction, TxBody } from './types.js';

export function headerHash(header: BlockHeader): string {
  return hashOf(header);
}

export function txRootOf(txs: readonly Transaction[]): string {
  return merkleRoot(txs.map((t) => t.id));
}

export function signTx(body: TxBody, signer: Signer): Transaction {
  const id = hashOf(body);
  return { id, body, signature: toHex(signer.sign(signingBytes(Domain.Transaction, { id }))) };
}

/** Checks the id matches the body and the signature is the org's. */
export function verifyTx(tx: Transaction, orgPublicKey: Uint8Array, verify: Verify): boolean {
  if (hashOf(tx.body) !== tx.id) return false;
  return verify(orgPublicKey, signingBytes(Domain.Transaction, { id: tx.id }), safeHex(tx.signature));
}

/** The bytes a member signs to precommit (or prevote) a block. */
export function voteBytes(
  type: 'prevote' | 'precommit',
  network: string,
  height: number,
  round: number,
  blockHash: string | null,
): Uint8Array {
  return signingBytes(Domain.Vote, { type, network, height, round, blockHash });
}

/**
 * A certificate is valid when it holds signatures of at least `quorum` distinct members over a
 * precommit for the block. Unknown members and bad signatures do not count.
 */
export function verifyCertificate(
  cert: CommitCertificate,
  network: string,
  members: ReadonlyMap<string, Uint8Array>,
  quorum: number,
  verify: Verify,
): boolean {
  const bytes = voteBytes('precommit', network, cert.height, cert.round, cert.blockHash);
  const seen = new Set<string>();
  for (const s of cert.signatures) {
    const key = members.get(s.member);
    if (!key || seen.has(s.member)) continue;
    if (verify(key, bytes, safeHex(s.signature))) seen.add(s.member);
  }
  return seen.size >= quorum;
}

/** Structural checks a block must pass before anyone votes for it or stores it. */
export function blockIsWellFormed(block: Block): boolean {
  return block.header.txCount === block.txs.length && block.header.txRoot === txRootOf(block.txs);
}

function safeHex(hex: string): Uint8Array {
  try {
    return fromHex(hex);
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * The largest f tolerated by n members and the quorum: more than two thirds of n, which is 2f+1
 * when n = 3f+1 (and still intersects in an honest member for other n).
 */
export function quorumOf(n: number): { f: number; quorum: number } {
  return { f: Math.floor((n - 1) / 3), quorum: Math.floor((2 * n) / 3) + 1 };
}
