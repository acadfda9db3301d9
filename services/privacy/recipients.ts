import {
  bizStepWord,
  type CustodyState,
  contentsOf,
  Directory,
  dispositionWord,
  eventRoles,
  type Member,
  type ObjectState,
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
 * auditor grant is active at the block's timestamp and whose scope matches the public view. Only
 * members in force at the height (policy.directory), the capturer aside (it is one, or its
 * transaction would not be valid). Sorted and unique, so every node stores the same list.
 */
export function recipientsOf(input: RecipientInput, policy: RecipientPolicy): string[] {
  const { event, org } = input;
  const out = new Set<string>([org]);
  const add = memberAdder(out, policy);
  partiesInto(add, event, policy);
  // The goods packed inside named containers count: shipping a pallet moves the cases on it.
  const named = eventRoles(event).objects;
  for (const state of [input.before, input.after]) {
    for (const id of [...named, ...contentsOf(named, state)]) holderInto(add, state.getObject(id));
  }
  grantsInto(out, event, org, input.timestamp, policy);
  return [...out].sort();
}

/**
 * Only members at the height: a removed member may still be recorded as an object's owner or
 * custodian, but it receives nothing from its removal on (docs/privacy.md, a member that leaves).
 */
function memberAdder(out: Set<string>, policy: RecipientPolicy): (id: string | undefined) => void {
  return (id) => {
    if (id && policy.directory.members.has(id)) out.add(id);
  };
}

/** The members an event's source and destination entries resolve to, as the custody rules resolve them. */
function partiesOf(event: Record<string, unknown>, policy: RecipientPolicy): string[] {
  const out: string[] = [];
  for (const [list, field] of [
    [event.sourceList, 'source'],
    [event.destinationList, 'destination'],
  ] as const) {
    const parties = resolveParties(list, policy.directory, field);
    out.push(parties.org, parties.owner);
  }
  return out;
}

function partiesInto(
  add: (id: string | undefined) => void,
  event: Record<string, unknown>,
  policy: RecipientPolicy,
) {
  for (const id of partiesOf(event, policy)) add(id);
}

function holderInto(add: (id: string | undefined) => void, object: ObjectState | undefined): void {
  if (!object) return;
  add(object.owner);
  add(object.custodian);
  add(object.consignee);
}

/** Every member whose auditor grant is active at `timestamp` and whose scope matches the event. */
function grantsInto(
  out: Set<string>,
  event: Record<string, unknown>,
  org: string,
  timestamp: number,
  policy: RecipientPolicy,
): void {
  if (policy.grants.length === 0) return;
  const scope = scopeContext(event, org);
  for (const grant of policy.grants) {
    if (out.has(grant.org)) continue;
    if (grant.untilMs !== undefined && !(grant.untilMs > timestamp)) continue;
    if (grant.scope && !scopeHolds(grant, scope)) continue;
    out.add(grant.org);
  }
}

function addAll(sets: Map<string, Set<string>>, key: string, values: readonly string[]): void {
  if (values.length === 0) return;
  const set = sets.get(key);
  if (set) for (const v of values) set.add(v);
  else sets.set(key, new Set(values));
}

/**
 * The recipients of a capture's events as its capturing node seals them, before the capture is
 * ordered (docs/privacy.md): for each event a superset of what execution will require of it
 * (recipientsOf) if the committed state does not change first, without running the custody rules.
 *
 * Execution computes an event's recipients from the custody state just before and just after it,
 * which the document's earlier accepted events have changed. Which of them are accepted is the
 * rules' verdict; instead of a dry run of the rules (most of the cost of sealing), this takes the
 * union over every outcome. The custody effects (contracts/effects.ts) only ever make the capturer
 * or the event's own destination party an object's owner, custodian or consignee, and only add
 * contents by packing objects the event names; so an object's holders at any point of the document
 * are among its committed holders and the capturer and destination parties of the document's earlier
 * events that involved it or a container holding it, and its contents among its committed contents
 * and what those events packed into it. When an earlier event is in fact rejected, a later event on
 * the same goods may be sealed to a member that execution would not have required: one of the
 * parties the capturer itself named for those goods. test/unit/privacy/recipient-plan.test.ts
 * checks the superset against execution.
 */
export class RecipientPlan {
  /** Holders an earlier event of the document may have given an object. */
  private readonly holders = new Map<string, Set<string>>();
  /** Objects an earlier event of the document may have packed into a container. */
  private readonly packed = new Map<string, Set<string>>();
  /** Committed objects read so far (each a query and a parse), misses included. */
  private readonly read = new Map<string, ObjectState | undefined>();

  constructor(
    private readonly org: string,
    private readonly timestamp: number,
    private readonly committed: CustodyReads,
    private readonly policy: RecipientPolicy,
  ) {}

  /** The next event's recipients, sorted; events in document order. */
  next(event: Record<string, unknown>): string[] {
    const out = new Set<string>([this.org]);
    const add = memberAdder(out, this.policy);
    const parties = partiesOf(event, this.policy);
    for (const id of parties) add(id);
    const roles = eventRoles(event);
    const involved = this.withContents(roles.objects);
    for (const id of involved) {
      holderInto(add, this.object(id));
      for (const holder of this.holders.get(id) ?? []) add(holder);
    }
    grantsInto(out, event, this.org, this.timestamp, this.policy);
    // What this event may change for the events after it: who holds what it involved, and
    // (packing) what its parent contains.
    const given = [this.org, ...parties].filter((id) => id !== '');
    for (const id of involved) addAll(this.holders, id, given);
    if (roles.parent !== undefined) addAll(this.packed, roles.parent, roles.children);
    return [...out].sort();
  }

  private object(id: string): ObjectState | undefined {
    if (this.read.has(id)) return this.read.get(id);
    const object = this.committed.getObject(id);
    this.read.set(id, object);
    return object;
  }

  /** The ids and everything packed in them, committed or packed earlier in the document. */
  private withContents(ids: readonly string[]): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    const stack = [...ids];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(id);
      for (const child of this.object(id)?.children ?? []) stack.push(child);
      for (const child of this.packed.get(id) ?? []) stack.push(child);
    }
    return out;
  }
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
