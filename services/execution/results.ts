import { hashOf, sha256Hex } from '../common/index.js';
import { merkleRoot } from '../ledger/index.js';
import type { EventVerdict, TxResult } from './types.js';

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

/**
 * How a transaction was judged, as far as its leaves tell: each event of a capture, or the
 * transaction as a whole. Execution passes its result; storage rebuilds it from stored codes.
 */
export type Judged =
  | { events: readonly Pick<EventVerdict, 'eventID' | 'accepted' | 'code'>[] }
  | { success: boolean; errors: readonly { code: string }[] };

export function verdictLeaves(results: readonly TxResult[]): VerdictLeaf[] {
  return results.flatMap((r) => txLeaves(r.tx.id, r.tx.body.kind === 'capture' ? { events: r.verdicts } : r));
}

/** The leaves of one transaction. */
export function txLeaves(tx: string, judged: Judged): VerdictLeaf[] {
  if ('events' in judged) {
    return judged.events.map((v, i) => leaf(tx, i, v.eventID, v.accepted ? null : (v.code ?? 'REJECTED')));
  }
  return [leaf(tx, null, null, judged.success ? null : (judged.errors[0]?.code ?? 'REJECTED'))];
}

function leaf(tx: string, event: number | null, eventID: string | null, code: string | null): VerdictLeaf {
  return { tx, event, eventID, status: code === null ? 'accepted' : 'rejected', code };
}

/** Merkle root (ledger/merkle.ts) over hashOf(leaf) of every verdict leaf. */
export function resultsRootOf(leaves: readonly VerdictLeaf[]): string {
  return merkleRoot(leaves.map(verdictLeafHash));
}

/**
 * hashOf(leaf), its JCS text written out: a block has a leaf per event, and a leaf's fields are
 * fixed, so the general canonicalizer's key sorting is spared. Keys are in JCS order; strings,
 * null and the integer `event` serialize as JSON.stringify does, which is how JCS defines them.
 */
export function verdictLeafHash(l: VerdictLeaf): string {
  // JCS leaves out a key whose value is undefined; such a leaf takes the general path.
  if (l.code === undefined || l.eventID === undefined || !Number.isSafeInteger(l.event ?? 0))
    return hashOf(l);
  const s = JSON.stringify;
  return sha256Hex(
    `{"code":${s(l.code)},"event":${s(l.event)},"eventID":${s(l.eventID)},"status":${s(l.status)},"tx":${s(l.tx)}}`,
  );
}
