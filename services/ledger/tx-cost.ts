import { identifierCount } from '../epcis/index.js';
import { eventsOf } from './tx-shape.js';
import type { Transaction, TxBody } from './types.js';

/**
 * What applying a transaction costs, in units of about one stored event or identifier: one for
 * the transaction, and for each event one plus the identifiers it names. Block apply writes an
 * index row per event and a custody row and state leaf per identifier, so this tracks apply time
 * far better than a count of transactions (1 to 10,000 events each) or their bytes, and it is
 * computed from the body alone: every node gets the same figure for the same block, so a block's
 * cost can be a validity limit (genesis `consensus.maxBlockCost`).
 */
export function txCost(tx: Transaction): number {
  const known = costs.get(tx);
  if (known !== undefined) return known;
  const cost = bodyCost(tx.body);
  costs.set(tx, cost);
  return cost;
}

/** The same figure for a body not yet signed (a capture before its intake: Mempool.admit). */
export function bodyCost(body: TxBody): number {
  let cost = 1;
  for (const event of eventsOf({ id: '', body, signature: '' })) cost += 1 + identifierCount(event);
  return cost;
}

/** Transactions are never mutated in place (docs/consensus.md), so a cost is kept per object. */
const costs = new WeakMap<Transaction, number>();

export function blockCost(txs: readonly Transaction[]): number {
  let cost = 0;
  for (const tx of txs) cost += txCost(tx);
  return cost;
}
