import type { ConsensusMessage } from '../consensus/index.js';
import type { Block, Transaction } from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';

/**
 * A peer's proposal or decision with every transaction this node already holds verified in its
 * mempool (same id, same signature) replaced by the mempool's object, so validity and commit
 * checks find it already hashed and verified instead of hashing and verifying the copy again.
 *
 * Why this is safe (docs/consensus.md, "Transactions a node already holds"):
 * - The mempool holds only transactions whose id this node checked to be hashOf(body), with a
 *   valid signature and valid content (signTx for its own, checkTx for peers'). The id commits to
 *   the body, so the mempool's body is the one the id names, and the node evaluates, stores and
 *   executes exactly that body: the same bytes a correct proposer's copy carries.
 * - A faulty proposer may pair a known id with another body. The node holding that id then
 *   judges the real body; a node without it hashes the copy it got, finds the mismatch and
 *   prevotes nil. Both judge the real content of the block (its header, hence its hash, commits
 *   only to ids): they differ only when the proposer sent a copy that is not the block.
 * - Should such a block gather 2f+1 precommits, a node that holds the mismatched copy does not
 *   store it: blockIsWellFormed checks every id against its body at commit too, so the node
 *   refuses that copy and fetches the block by catch-up, whose bodies are checked the same way.
 * - The signature must match as well, so the stored transaction is the proposal's own copy
 *   whenever that copy is genuine.
 */
export function adoptKnownTxs(message: ConsensusMessage, mempool: Mempool): ConsensusMessage {
  if (message.type !== 'proposal' && message.type !== 'decision') return message;
  const block = withKnownTxs(message.block, mempool);
  return block === message.block ? message : { ...message, block };
}

function withKnownTxs(block: Block, mempool: Mempool): Block {
  let txs: Transaction[] | undefined;
  for (let i = 0; i < block.txs.length; i++) {
    const tx = block.txs[i] as Transaction;
    const known = mempool.get(tx.id);
    if (known === undefined || known === tx || known.signature !== tx.signature) continue;
    txs ??= [...block.txs];
    txs[i] = known;
  }
  return txs ? { header: block.header, txs } : block;
}
