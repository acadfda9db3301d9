import type { BlockHeader, RuleFileData } from '../ledger/index.js';

/** What a header carries of the application: the parent's state and verdict roots and the rules in force. */
export type AppRoots = Pick<BlockHeader, 'parentStateRoot' | 'parentResultsRoot' | 'rulesHash'> & {
  /** The member sets in force at the block's height and the next (chain/member-book.ts). */
  membersHash: string;
  nextMembersHash: string;
};

/** Largest rule-set proposal (all files' text), so governance cannot bloat every block. */
export const MAX_RULES_BYTES = 256 * 1024;

export function rootsDiffer(header: BlockHeader, expected: AppRoots): boolean {
  return (
    header.parentStateRoot !== expected.parentStateRoot ||
    header.parentResultsRoot !== expected.parentResultsRoot ||
    header.rulesHash !== expected.rulesHash ||
    header.membersHash !== expected.membersHash ||
    header.nextMembersHash !== expected.nextMembersHash
  );
}

export function rulesAreWellFormed(files: unknown): files is RuleFileData[] {
  if (!Array.isArray(files) || files.length === 0) return false;
  let bytes = 0;
  for (const f of files as { name?: unknown; text?: unknown }[]) {
    if (typeof f?.name !== 'string' || typeof f.text !== 'string') return false;
    bytes += f.name.length + f.text.length;
  }
  return bytes <= MAX_RULES_BYTES;
}
