import { certificateSigners } from './certificate.js';
import { fail } from './context.js';
import { ed25519Verify, fromHex, isHex, jcsHash } from './hash.js';
import { type MemberKey, memberSetHash, validatorsOf } from './members.js';
import { isObject } from './shape.js';
import { quorumOf } from './signed-bytes.js';
import type { MemberChangeLink, ProofBlock } from './types.js';

/** The member set a verifier trusts at some height: keys of every member, and its validators. */
export interface TrustedMembers {
  list: MemberKey[];
  /** Every member's node key (transactions). */
  keys: ReadonlyMap<string, Uint8Array>;
  /** The validators' node keys (certificates). */
  validators: ReadonlyMap<string, Uint8Array>;
  quorum: number;
  hash: string;
}

export function trusted(list: readonly MemberKey[]): TrustedMembers {
  const keyList = list.map(({ id, publicKey, role }) => ({ id, publicKey, role: role ?? 'validator' }));
  const voters = validatorsOf(keyList);
  return {
    list: keyList,
    keys: new Map(keyList.map((m) => [m.id, fromHex(m.publicKey)])),
    validators: new Map(voters.map((m) => [m.id, fromHex(m.publicKey)])),
    quorum: quorumOf(voters.length).quorum,
    hash: memberSetHash(keyList),
  };
}

function linkProblem(link: unknown): string | undefined {
  if (!isObject(link) || !isObject(link.block) || !Array.isArray(link.members))
    return 'is not {block, members}';
  const b = link.block;
  if (!isObject(b.header) || !isObject(b.certificate) || !isHex(b.hash, 32)) return 'has no certified block';
  const ids = new Set<string>();
  for (const m of link.members) {
    if (!isObject(m) || typeof m.id !== 'string' || !isHex(m.publicKey, 32))
      return 'lists a member without id or key';
    if (m.role !== 'validator' && m.role !== 'observer') return `lists member ${m.id} without a role`;
    if (ids.has(m.id)) return `lists member ${m.id} twice`;
    ids.add(m.id);
  }
  return undefined;
}

/**
 * Checks a block's certificate against `members`' validators; nodes serve only the signatures that
 * count, so any other entry means the proof was altered.
 */
export function checkSigners(
  block: ProofBlock,
  network: string,
  members: TrustedMembers,
  check: 'certificate' | 'member-chain',
): string[] {
  const { hash, header, certificate } = block;
  if (certificate.height !== header.height || certificate.blockHash !== hash) {
    fail(
      check,
      check === 'certificate'
        ? `the certificate is for block ${certificate.height} ${certificate.blockHash}, not this block`
        : `the certificate of block ${header.height} is for block ${certificate.height} ${certificate.blockHash}`,
    );
  }
  const { counted, ignored } = certificateSigners(certificate, network, members.validators, ed25519Verify);
  const where = check === 'member-chain' ? `block ${header.height}, ` : '';
  const bad = ignored[0];
  if (bad) fail(check, `${where}signature ${bad.index} (member ${bad.member}): ${bad.reason}`);
  if (counted.length < members.quorum) {
    fail(check, `${where}${counted.length} valid member signatures, quorum is ${members.quorum}`);
  }
  return counted.map((c) => c.member);
}

/**
 * Follows the certified member changes from genesis to the proof's block (docs/proofs.md, "Member
 * changes"): each link's block must hash to its hash, commit to the set trusted so far
 * (`membersHash`), be certified by that set's validators, and name the next set
 * (`nextMembersHash`). The proof's block must then commit to the set reached, so no change can be
 * left out. Returns the set that signs the proof's block.
 */
export function followMemberChain(
  links: unknown,
  block: ProofBlock,
  network: string,
  genesis: TrustedMembers,
  pass: (check: 'member-chain', detail: string) => void,
): TrustedMembers {
  if (links !== undefined && !Array.isArray(links)) fail('member-chain', 'memberChanges is not a list');
  let set = genesis;
  let height = 0;
  for (const [i, link] of ((links as unknown[] | undefined) ?? []).entries()) {
    const problem = linkProblem(link);
    if (problem) fail('member-chain', `change ${i} ${problem}`);
    const { block: b, members } = link as MemberChangeLink;
    const h = b.header as ProofBlock['header'] & { membersHash?: unknown; nextMembersHash?: unknown };
    if (!Number.isSafeInteger(h.height) || h.height <= height || h.height >= block.header.height) {
      fail(
        'member-chain',
        `change ${i} is at block ${h.height}, not between ${height} and ${block.header.height}`,
      );
    }
    if (h.network !== network) fail('member-chain', `change ${i}: block of network ${h.network}`);
    if (jcsHash(h) !== b.hash)
      fail('member-chain', `change ${i}: sha256(JCS(header)) of block ${h.height} is not ${b.hash}`);
    if (h.membersHash !== set.hash) {
      fail('member-chain', `change ${i}: block ${h.height} does not commit to the member set trusted so far`);
    }
    checkSigners(b, network, set, 'member-chain');
    const next = trusted(members);
    if (h.nextMembersHash !== next.hash) {
      fail(
        'member-chain',
        `change ${i}: block ${h.height} names another next member set than the one listed`,
      );
    }
    pass(
      'member-chain',
      `block ${h.height}, certified by ${set.quorum}+ of ${set.validators.size} validators, hands over to ${next.validators.size} validators and ${next.list.length - next.validators.size} observers`,
    );
    set = next;
    height = h.height;
  }
  const final = (block.header as { membersHash?: unknown }).membersHash;
  if ((final !== undefined || height > 0) && final !== set.hash) {
    fail(
      'member-chain',
      `block ${block.header.height} commits to a member set the proof's changes do not reach`,
    );
  }
  pass(
    'member-chain',
    height === 0
      ? 'no member changes since genesis'
      : `block ${block.header.height} commits to the member set the changes reach`,
  );
  return set;
}
