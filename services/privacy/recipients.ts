import {
  bizStepWord,
  type CustodyState,
  contentsOf,
  Directory,
  dispositionWord,
  eventRoles,
  type Member,
  resolveParties,
} from '../contracts/index.js';
import { type AuditorGrant, type CompiledGrant, compileGrants, type GrantReader } from './grants.js';

/** What recipientsOf may read of the custody state: objects only. */
export type CustodyReads = Pick<CustodyState, 'getObject'>;

/** Everything an event's recipients depend on; nothing here reads the clock or the environment. */
export interface RecipientInput {
  /** The event's public view (today: the event as captured). */
  event: Record<string, unknown>;
  /** The capturing member. */
  org: string;
  /** The block's timestamp, ms since the epoch: auditor grants end by it, never by the clock. */
  timestamp: number;
  /** Custody before the event and after it (a consignee or new custodian is a recipient too). */
  before: CustodyReads;
  after: CustodyReads;
}

/** The members and the grants in force at one height. */
export interface RecipientPolicy {
  directory: Directory;
  grants: readonly CompiledGrant[];
}

/**
 * The members that see an event whole (issue 14, scope 3): the capturer; the members its source
 * and destination entries resolve to (resolved as the custody rules resolve them); the owners,
 * custodians and consignees of the objects it names and of the goods packed in them, before and
 * after it; and every member whose
 * auditor grant is active at the block's timestamp and whose scope matches the public view.
 * Sorted and unique, so every node stores the same list.
 */
export function recipientsOf(input: RecipientInput, policy: RecipientPolicy): string[] {
  const { event, org } = input;
  const out = new Set<string>([org]);
  const add = (id: string | undefined) => {
    if (id) out.add(id);
  };
  for (const [list, field] of [
    [event.sourceList, 'source'],
    [event.destinationList, 'destination'],
  ] as const) {
    const parties = resolveParties(list, policy.directory, field);
    add(parties.org);
    add(parties.owner);
  }
  // The goods packed inside named containers count: shipping a pallet moves the cases on it.
  const named = eventRoles(event).objects;
  for (const state of [input.before, input.after]) {
    for (const id of [...named, ...contentsOf(named, state)]) {
      const object = state.getObject(id);
      if (!object) continue;
      add(object.owner);
      add(object.custodian);
      add(object.consignee);
    }
  }
  if (policy.grants.length > 0) {
    const scope = scopeContext(event, org);
    for (const grant of policy.grants) {
      if (out.has(grant.org)) continue;
      if (grant.untilMs !== undefined && !(grant.untilMs > input.timestamp)) continue;
      if (grant.scope && !scopeHolds(grant, scope)) continue;
      out.add(grant.org);
    }
  }
  return [...out].sort();
}

function scopeContext(event: Record<string, unknown>, org: string): Record<string, unknown> {
  return {
    event,
    org,
    step: bizStepWord(event.bizStep),
    disposition: dispositionWord(event.disposition),
    action: typeof event.action === 'string' ? event.action : '',
  };
}

/** A scope that fails at run time (a missing key) does not match: the same answer on every node. */
function scopeHolds(grant: CompiledGrant, context: Record<string, unknown>): boolean {
  try {
    return grant.scope?.(context) === true;
  } catch {
    return false;
  }
}

/** What execution asks for: the recipient policy in force at a height. */
export interface RecipientsBook {
  at(height: number): RecipientPolicy;
}

/** Where the members at a height come from: genesis, or the member book once governance changes them. */
export interface MemberReader {
  membersAt(height: number): readonly Member[];
}

/**
 * The members and the grants in force at a height, compiled once per distinct member list and grant
 * list (genesis grants are one list for every height; governance grants change only when a grant
 * activates). A grant whose org is no member at the height (removed since) gives nothing.
 */
export class Recipients implements RecipientsBook {
  private readonly members: MemberReader;
  private cached:
    | { members: readonly Member[]; source: readonly AuditorGrant[]; policy: RecipientPolicy }
    | undefined;

  constructor(
    members: readonly Member[] | MemberReader,
    private readonly grants: GrantReader,
  ) {
    this.members = isReader(members) ? members : { membersAt: () => members };
  }

  at(height: number): RecipientPolicy {
    const members = this.members.membersAt(height);
    const source = this.grants.grantsAt(height);
    if (this.cached?.source !== source || this.cached.members !== members) {
      const ids = new Set(members.map((m) => m.id));
      this.cached = {
        members,
        source,
        policy: {
          directory: new Directory(members),
          grants: compileGrants(
            source.filter((g) => ids.has(g.org)),
            ids,
          ),
        },
      };
    }
    return this.cached.policy;
  }
}

const isReader = (m: readonly Member[] | MemberReader): m is MemberReader => !Array.isArray(m);
