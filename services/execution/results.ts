import { hashOf } from '../common/encoding.js';
import { merkleRoot } from '../ledger/index.js';
import type { TxResult } from './execute.js';

/**
 * One leaf per verdict, in block order: each event of a capture (in document order), and one for
 * every other transaction. The next block's header carries the root as parentResultsRoot, so a
 * rejection is as provable as an acceptance (docs/proofs.md).
 */
export interface VerdictLeaf {
  tx: string;
  /** Position of the event in the document's eventList; null for a transaction without events. */
  event: number | null;
  eventID: string | null;
  status: 'accepted' | 'rejected';
  /** The reason code of a rejection; null when accepted. */
  code: string | null;
}

export function verdictLeaves(results: readonly TxResult[]): VerdictLeaf[] {
  const leaves: VerdictLeaf[] = [];
  for (const r of results) {
    if (r.tx.body.kind !== 'capture') {
      const code = r.success ? null : (r.errors[0]?.code ?? 'REJECTED');
      leaves.push({
        tx: r.tx.id,
        event: null,
        eventID: null,
        status: r.success ? 'accepted' : 'rejected',
        code,
      });
      continue;
    }
    r.verdicts.forEach((v, i) => {
      leaves.push({
        tx: r.tx.id,
        event: i,
        eventID: v.eventID,
        status: v.accepted ? 'accepted' : 'rejected',
        code: v.accepted ? null : (v.code ?? 'REJECTED'),
      });
    });
  }
  return leaves;
}

/** Merkle root (ledger/merkle.ts) over hashOf(leaf) of every verdict leaf. */
export function resultsRootOf(leaves: readonly VerdictLeaf[]): string {
  return merkleRoot(leaves.map((l) => hashOf(l)));
}
