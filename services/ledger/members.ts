import { fromHex } from '../common/index.js';
import type { EncryptionPublicKey, PublicJwk } from '../crypto/index.js';
import { type MemberKey, type MemberRole, memberSetHash, quorumOf, validatorsOf } from '../verify/index.js';

export type { MemberKey, MemberRole } from '../verify/index.js';
export { memberSetHash, validatorsOf } from '../verify/index.js';

/**
 * A member's public description, as genesis lists it and as a member file (member.json) hands it to
 * the consortium: who it is (GS1 party and location ids), how to reach it, and its public keys.
 */
export interface MemberRecord {
  /** Org id: lower-case slug, unique in the network. */
  id: string;
  name: string;
  /** GS1 party ids (PGLN URNs) this org acts as. */
  parties: string[];
  /** GS1 location ids (SGLN URNs) of its sites. */
  locations: string[];
  /** Ed25519 node public key, hex. It signs transactions and votes and is the libp2p identity. */
  publicKey: string;
  /** libp2p peer id derived from publicKey. */
  peerId: string;
  /** Public key of the org's development token issuer. */
  jwtIssuerKey: PublicJwk;
  /**
   * X25519 keys sealed fields are encrypted to (docs/privacy.md), each active from its `from`
   * height (never before the height its member change came into force). Absent in genesis files
   * older than sealing; `network init` and `member init` always write one.
   */
  encryptionKeys?: EncryptionPublicKey[];
  host: string;
  apiPort: number;
  p2pPort: number;
  /** Votes and proposes (validator) or only captures, reads and serves proofs (observer). Default validator. */
  role?: MemberRole;
}

/** The smallest number of validators a change may leave: n = 3f+1 with f = 1. */
export const MIN_VALIDATORS = 4;

export const roleOf = (m: { role?: MemberRole }): MemberRole => m.role ?? 'validator';

/**
 * The member set in force at one height: every member with its role, in set order (genesis order,
 * later additions after). Consensus counts its validators (n = 3f+1 over validators only); the
 * ledger, the gater, evidence and proofs read member keys from it.
 */
export class MemberSet {
  readonly validators: readonly MemberRecord[];
  readonly f: number;
  /** 2f+1 of the validators. */
  readonly quorum: number;
  /** sha256(JCS([{id, publicKey, role}])): what block headers commit to. */
  readonly hash: string;
  private readonly byId: ReadonlyMap<string, MemberRecord>;
  private keys: Map<string, Uint8Array> | undefined;
  private validatorKeys: Map<string, Uint8Array> | undefined;

  constructor(readonly members: readonly MemberRecord[]) {
    this.byId = new Map(members.map((m) => [m.id, m]));
    this.validators = validatorsOf(members);
    ({ f: this.f, quorum: this.quorum } = quorumOf(this.validators.length));
    this.hash = memberSetHash(this.keyList());
  }

  get(id: string): MemberRecord | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  isValidator(id: string): boolean {
    const m = this.byId.get(id);
    return m !== undefined && roleOf(m) === 'validator';
  }

  /** Node keys of every member (transactions, evidence), by org id. */
  memberKeys(): ReadonlyMap<string, Uint8Array> {
    this.keys ??= new Map(this.members.map((m) => [m.id, fromHex(m.publicKey)]));
    return this.keys;
  }

  /** Node keys of the validators (certificates, votes), by org id. */
  votingKeys(): ReadonlyMap<string, Uint8Array> {
    this.validatorKeys ??= new Map(this.validators.map((m) => [m.id, fromHex(m.publicKey)]));
    return this.validatorKeys;
  }

  keyList(): MemberKey[] {
    return this.members.map((m) => ({ id: m.id, publicKey: m.publicKey, role: roleOf(m) }));
  }
}
