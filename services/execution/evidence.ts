import { hashOf } from '../common/index.js';
import type { EvidenceTxBody, Transaction } from '../ledger/index.js';

/** A piece of equivocation evidence as the ledger records it. */
export interface EvidenceEntry {
  /** Hash of the slot (kind, member, height, round, step): one record per equivocation. */
  id: string;
  kind: 'duplicate_vote' | 'conflicting_proposal';
  member: string;
  height: number;
  round: number;
  reportedBy: string;
  evidence: Record<string, unknown>;
}

/** Reads the slot of an evidence transaction; its signatures were checked before ordering. */
export function evidenceEntry(tx: Transaction & { body: EvidenceTxBody }): EvidenceEntry {
  const e = tx.body.evidence as {
    kind: EvidenceEntry['kind'];
    member: string;
    height: number;
    round: number;
    first?: { type?: string };
  };
  const step = e.first?.type ?? 'proposal';
  return {
    id: hashOf({ kind: e.kind, member: e.member, height: e.height, round: e.round, step }),
    kind: e.kind,
    member: e.member,
    height: e.height,
    round: e.round,
    reportedBy: tx.body.org,
    evidence: tx.body.evidence,
  };
}
