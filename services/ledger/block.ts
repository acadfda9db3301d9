import { fromHex, hashOf, toHex } from '../common/index.js';
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
  const tx = { id, body, signature: toHex(signer.sign(txSigningBytes(id))) };
  bound.set(tx, body);
  return tx;
}

/** Checks the id matches the body and the signature is the org's. */
export function verifyTx(tx: Transaction, orgPublicKey: Uint8Array, verify: Verify): boolean {
  if (!idMatchesBody(tx)) return false;
  return verify(orgPublicKey, txSigningBytes(tx.id), safeHex(tx.signature));
}

/**
 * Transaction objects whose id has been checked against their body object. Whether
 * hashOf(body) = id is a fact about the object, not about who checked it, so one check serves
 * every later one: gossip receipt, the proposal that carries the same object, the commit.
 * Keyed by object identity, holding the body object that was hashed: a transaction whose body
 * was swapped is hashed again. Transactions are never mutated in place (they come from
 * JSON.parse or signTx and are only read), which is what makes identity a safe key.
 */
const bound = new WeakMap<Transaction, TxBody>();

/** hashOf(tx.body) === tx.id, hashing each transaction object at most once. */
export function idMatchesBody(tx: Transaction): boolean {
  if (bound.get(tx) === tx.body) return true;
  if (hashOf(tx.body) !== tx.id) return false;
  bound.set(tx, tx.body);
  return true;
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

/**
 * Structural checks a block must pass before anyone votes for it or stores it. The header's
 * txRoot commits to the ids only; each id must also be the hash of the body that came with it,
 * or a block carrying a known header could bring other bodies (a faulty proposer's second copy,
 * a faulty peer's catch-up answer) into a node's store.
 */
export function blockIsWellFormed(block: Block): boolean {
  const { header, txs } = block;
  return header.txCount === txs.length && header.txRoot === txRootOf(txs) && txs.every(idMatchesBody);
}

function safeHex(hex: string): Uint8Array {
  try {
    return fromHex(hex);
  } catch {
    return new Uint8Array(0);
  }
}
