import { describe, expect, it } from 'vitest';
import { MemberBook } from '../../../services/chain/index.js';
import { toHex } from '../../../services/common/index.js';
import {
  createSigner,
  generateEncryptionKey,
  generateIssuerKey,
  generateSeed,
  publicKeyOf,
  verify,
} from '../../../services/crypto/index.js';
import { type GovernedProposal, grantProblem } from '../../../services/execution/index.js';
import {
  type AuditorGrant,
  type MemberChange,
  type MemberFile,
  type MemberRecord,
  MemberSet,
  memberFileProblem,
  signMemberFile,
} from '../../../services/ledger/index.js';
import { peerIdFromSeed } from '../../../services/p2p/index.js';
import { Recipients } from '../../../services/privacy/index.js';

/** A member file as `waybill member init` writes it, with an encryption key `<id>#<n>`. */
async function memberFile(id: string, n = 1, seed = generateSeed()): Promise<MemberFile> {
  const enc = await generateEncryptionKey(id);
  const key = { ...enc.publicKey, kid: `${id}#${n}` };
  const record: MemberRecord = {
    id,
    name: id,
    parties: [`urn:epc:id:pgln:0614141.0000${n}`],
    locations: [],
    publicKey: toHex(publicKeyOf(seed)),
    peerId: peerIdFromSeed(seed),
    jwtIssuerKey: (await generateIssuerKey(id)).publicJwk,
    encryptionKeys: [key],
    host: '127.0.0.1',
    apiPort: 1,
    p2pPort: 2,
  };
  return signMemberFile(record, createSigner(seed));
}

/** The member book over activated proposals given by hand (what MembershipStore would hold). */
function bookOf(genesis: MemberRecord[], activated: GovernedProposal[], grants: AuditorGrant[] = []) {
  const store = {
    membership: {
      activated: () => activated,
      proposal: (hash: string) => activated.find((p) => p.hash === hash),
      proposals: () => activated,
    },
  };
  return new MemberBook(store as never, genesis, grants);
}

const change = (hash: string, activationHeight: number, c: MemberChange): GovernedProposal => ({
  hash,
  subject: 'member',
  proposer: 'a',
  proposedHeight: activationHeight - 2,
  approvals: [],
  activationHeight,
  change: c,
});

describe('MemberBook', () => {
  it('seals to an added member from its activation height, and to a rotated key from the update on', async () => {
    const genesis = await Promise.all(['a', 'b', 'c', 'd'].map((id) => memberFile(id)));
    const e = await memberFile('e');
    const b2 = await memberFile('b', 2);
    const book = bookOf(genesis, [
      change('h1', 10, { action: 'add', member: e }),
      change('h2', 20, { action: 'update', member: b2 }),
    ]);
    const ring = book.keyRing();
    expect(ring.get('a#1')?.from).toBe(0);
    expect(ring.get('e#1')).toMatchObject({ org: 'e', from: 10 });
    // The old key stays known (blocks sealed to it before still check); the new one from 20 on.
    expect(ring.get('b#1')).toMatchObject({ org: 'b', from: 0 });
    expect(ring.get('b#2')).toMatchObject({ org: 'b', from: 20 });
    expect(book.membersAt(9).map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(book.membersAt(10).map((m) => m.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(book.at(20).get('b')?.publicKey).toBe(b2.publicKey);
  });

  it('gives recipients the genesis grants at every height and a governance grant from its activation on', async () => {
    const genesis = await Promise.all(['a', 'b', 'c', 'd', 'r'].map((id) => memberFile(id)));
    const grant: AuditorGrant = { org: 'r', role: 'auditor', scope: 'step == "shipping"' };
    const genesisGrant: AuditorGrant = { org: 'd', role: 'auditor' };
    const { change: _, ...granted } = change('g1', 12, { action: 'remove', id: 'x' });
    const activated: GovernedProposal[] = [
      { ...granted, subject: 'grant', grant },
      change('r1', 30, { action: 'remove', id: 'r' }),
    ];
    const book = bookOf(genesis, activated, [genesisGrant]);
    expect(book.grantsAt(11)).toEqual([genesisGrant]);
    expect(book.grantsAt(12)).toEqual([genesisGrant, grant]);
    // The same list while nothing changes, so recipients compile it once.
    expect(book.grantsAt(13)).toBe(book.grantsAt(12));
    const recipients = new Recipients(book, book);
    expect(recipients.at(11).grants.map((g) => g.org)).toEqual(['d']);
    expect(recipients.at(12).grants.map((g) => g.org)).toEqual(['d', 'r']);
    // r removed at 30: its grant gives nothing from then on (and does not make execution throw).
    expect(recipients.at(30).grants.map((g) => g.org)).toEqual(['d']);
  });
});

describe('member files and grants', () => {
  it("refuses an encryption key that is private, another member's, or listed twice", async () => {
    const file = await memberFile('e');
    const key = file.encryptionKeys?.[0];
    if (!key) throw new Error('no key');
    expect(memberFileProblem(file, verify)).toBeUndefined();
    const resigned = (keys: unknown[]) => ({ ...file, encryptionKeys: keys });
    expect(memberFileProblem(resigned([{ ...key, d: key.x }]), verify)).toMatch(/private part/);
    expect(memberFileProblem(resigned([{ ...key, kid: 'a#1' }]), verify)).toMatch(/must start with e#/);
    expect(memberFileProblem(resigned([key, key]), verify)).toMatch(/listed twice/);
    // Changing the keys without the node key's signature does not verify.
    const other = { ...key, kid: 'e#2' };
    expect(memberFileProblem(resigned([key, other]), verify)).toMatch(/signature does not verify/);
  });

  it('refuses a grant whose scope does not compile as recipients would compile it', async () => {
    const set = new MemberSet(await Promise.all(['a', 'b', 'c', 'd'].map((id) => memberFile(id))));
    expect(grantProblem({ org: 'b', role: 'auditor', scope: 'step == "shipping"' }, set)).toBeUndefined();
    expect(grantProblem({ org: 'b', role: 'auditor', scope: 'step ==' }, set)).toMatchObject({
      code: 'GRANT_INVALID',
    });
    expect(grantProblem({ org: 'b', role: 'auditor', scope: '1 + 2' }, set)?.message).toMatch(/must be bool/);
  });
});
