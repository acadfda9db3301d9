import { fromHex, hashOf, toHex } from '../common/encoding.js';
import type { Signer, Verify } from '../crypto/index.js';
import { certificateSigners, txSigningBytes } from '../verify/index.js';
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
  return { id, body, signature: toHex(signer.sign(txSigningBytes(id))) };
}

/** Checks the id matches the body and the signature is the org's. */
export function verifyTx(tx: Transaction, orgPublicKey: Uint8Array, verify: Verify): boolean {
  if (hashOf(tx.body) !== tx.id) return false;
  return verify(orgPublicKey, txSigningBytes(tx.id), safeHex(tx.signature));
}

// One definition, shared with the offline verifier (services/verify).
export { quorumOf, voteBytes } from '../verify/index.js';

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
  return certificateSigners(cert, network, members, verify).counted.length >= quorum;
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
