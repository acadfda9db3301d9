import { txLeaves, type VerdictLeaf } from '../execution/index.js';
import { eventsOf, type TxBody } from '../ledger/index.js';
import type { BodyRow } from './store-statements.js';

/** A stored transaction of a block with its outcome (store-statements.ts `blockVerdicts`). */
export type VerdictRow = BodyRow & { id: string; success: number; errors: string; verdicts: string };

/**
 * The verdict leaves of a committed block (execution/results.ts), rebuilt from its stored rows:
 * a capture's from its per-event verdict codes, any other transaction's from its outcome.
 */
export function verdictLeavesOf(
  rows: readonly VerdictRow[],
  bodyOf: (row: BodyRow) => TxBody,
): VerdictLeaf[] {
  return rows.flatMap((row): VerdictLeaf[] => {
    const body = bodyOf(row);
    if (body.kind !== 'capture') {
      return txLeaves(row.id, { success: row.success === 1, errors: JSON.parse(row.errors) });
    }
    const codes = JSON.parse(row.verdicts) as (string | null)[];
    const events = eventsOf({ id: row.id, body, signature: '' }).map((e, i) => {
      const code = codes[i] ?? null;
      return { eventID: e.eventID, accepted: code === null, code: code ?? undefined };
    });
    return txLeaves(row.id, { events });
  });
}
