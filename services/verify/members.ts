import { jcsHash } from './hash.js';

// What the consortium's member set is, as far as signatures go: shared by the node (ledger/ re-exports
// it; block headers commit to its hash) and the offline verifier, so both count the same signers.

export type MemberRole = 'validator' | 'observer';

/** One member as consensus and the verifier see it: who signs with which key, and whether it votes. */
export interface MemberKey {
  id: string;
  /** Ed25519 node public key, hex. */
  publicKey: string;
  role: MemberRole;
}

/**
 * The hash a block header commits to (`membersHash`, `nextMembersHash`): sha256(JCS(list)) of the
 * members in their order (genesis order, later additions after), each `{id, publicKey, role}`.
 */
export function memberSetHash(members: readonly MemberKey[]): string {
  return jcsHash(members.map(({ id, publicKey, role }) => ({ id, publicKey, role })));
}

/** The members that vote, in set order: certificates count only these. */
export function validatorsOf<T extends { role?: MemberRole }>(members: readonly T[]): T[] {
  return members.filter((m) => (m.role ?? 'validator') === 'validator');
}
