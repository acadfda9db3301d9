import {
  applyMemberChange,
  type GovernedProposal,
  MEMBERS_ACTIVATION_DELAY,
  type MembersBook,
} from '../execution/index.js';
import { type AuditorGrant, type MemberRecord, MemberSet, roleOf } from '../ledger/index.js';
import type { GrantReader, KeyRing, MemberReader } from '../privacy/index.js';
import type { MembershipStore } from '../storage/index.js';

/** One entry of the member schedule: the set in force from `height` on. */
interface Epoch {
  height: number;
  set: MemberSet;
}

export interface MemberView extends MemberRecord {
  role: 'validator' | 'observer';
  /** First height with this member (as now described) in force; 0 for genesis members. */
  since: number;
}

/**
 * The member set at every height: genesis, then each activated change in activation order. This is
 * the one place the node learns who may sign what at a height; consensus (validators), the ledger
 * (transaction and evidence keys), the gater and proofs all read it. `refresh` after each commit.
 */
export class MemberBook implements MembersBook, MemberReader, GrantReader {
  private epochs: Epoch[] = [];
  private activated: GovernedProposal[] = [];
  private since = new Map<string, number>();
  private ring: KeyRing = new Map();
  private grantCache: AuditorGrant[] = [];

  constructor(
    private readonly store: { membership: MembershipStore },
    private readonly genesis: readonly MemberRecord[],
    /** Auditor grants genesis lists (privacy/grants.ts): in force at every height, before governance's. */
    private readonly genesisGrants: readonly AuditorGrant[] = [],
  ) {
    this.grantCache = [...genesisGrants];
    this.refresh();
  }

  /** Re-reads the activated changes; a block just committed may have scheduled one. */
  refresh(): void {
    const activated = this.store.membership.activated();
    if (this.epochs.length > 0 && activated.length === this.activated.length) return;
    this.activated = activated;
    const epochs: Epoch[] = [{ height: 0, set: new MemberSet(this.genesis) }];
    const since = new Map(this.genesis.map((m) => [m.id, 0]));
    for (const p of activated) {
      if (!p.change || p.activationHeight === null) continue;
      const last = epochs[epochs.length - 1] as Epoch;
      const members = applyMemberChange(last.set.members, p.change);
      if (p.change.action !== 'remove') since.set(p.change.member.id, p.activationHeight);
      const set = new MemberSet(members);
      if (last.height === p.activationHeight) last.set = set;
      else epochs.push({ height: p.activationHeight, set });
    }
    this.epochs = epochs;
    this.since = since;
    this.ring = keyRingOfEpochs(epochs);
  }

  /** MemberReader (privacy/recipients.ts): the members an event's recipients resolve among at `height`. */
  membersAt(height: number): readonly MemberRecord[] {
    return this.at(height).members;
  }

  /**
   * Every encryption key any member has had, by kid, each active from its own `from` or from the
   * height its member change came into force, whichever is later: a key added or rotated in by
   * governance is never sealed to before every node knows it (docs/privacy.md, keys).
   */
  keyRing(): KeyRing {
    return this.ring;
  }

  at(height: number): MemberSet {
    for (let i = this.epochs.length - 1; i >= 0; i--) {
      const e = this.epochs[i] as Epoch;
      if (e.height <= height) return e.set;
    }
    return (this.epochs[0] as Epoch).set;
  }

  /** Heights at which the member set changed, with the set from then on (genesis excluded). */
  changes(): readonly Epoch[] {
    return this.epochs.slice(1);
  }

  proposal(hash: string): GovernedProposal | undefined {
    return this.store.membership.proposal(hash);
  }

  scheduledAfter(height: number): GovernedProposal[] {
    return this.activated.filter((p) => (p.activationHeight ?? 0) > height);
  }

  /**
   * Grants in force at `height`: genesis grants, then governance grants activated at or below it, in
   * activation order. The same list object while it does not change, so recipients compile it once.
   */
  grantsAt(height: number): readonly AuditorGrant[] {
    const governed = this.activated
      .filter((p) => p.grant && (p.activationHeight ?? Number.POSITIVE_INFINITY) <= height)
      .map((p) => p.grant as AuditorGrant);
    const list = [...this.genesisGrants, ...governed];
    const cached = this.grantCache;
    if (list.length !== cached.length || list.some((g, i) => g !== cached[i])) this.grantCache = list;
    return this.grantCache;
  }

  /** For GET /governance/members: the members in force at `height` and every member proposal. */
  members(height: number): MemberView[] {
    return this.at(height).members.map((m) => ({ ...m, role: roleOf(m), since: this.since.get(m.id) ?? 0 }));
  }

  proposals(subject: 'member' | 'grant'): GovernedProposal[] {
    return this.store.membership.proposals().filter((p) => p.subject === subject);
  }

  get activationDelay(): number {
    return MEMBERS_ACTIVATION_DELAY;
  }
}

/** The key ring of every epoch's members; the first listing of a kid wins (kids are `<org>#<n>`). */
function keyRingOfEpochs(epochs: readonly Epoch[]): KeyRing {
  const ring = new Map<string, KeyRing extends ReadonlyMap<string, infer V> ? V : never>();
  for (const { height, set } of epochs) {
    for (const m of set.members) {
      for (const k of m.encryptionKeys ?? []) {
        if (!ring.has(k.kid)) ring.set(k.kid, { ...k, from: Math.max(k.from, height), org: m.id });
      }
    }
  }
  return ring;
}
