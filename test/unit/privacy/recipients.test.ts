import { afterEach, describe, expect, it } from 'vitest';
import { Directory, MemoryCustodyState } from '../../../services/contracts/index.js';
import {
  type AuditorGrant,
  compileGrants,
  GenesisGrants,
  GrantError,
  type RecipientPolicy,
  Recipients,
  recipientsOf,
} from '../../../services/privacy/index.js';
import {
  commission,
  epc,
  harness,
  MEMBERS,
  objectEvent,
  PARTY,
  receive,
  ship,
} from '../../contracts/helpers.js';
import { Chain } from '../../ledger/chain.js';

const MEMBER_IDS = new Set(MEMBERS.map((m) => m.id));
const policy = (grants: AuditorGrant[] = []): RecipientPolicy => ({
  directory: new Directory(MEMBERS),
  grants: compileGrants(grants, MEMBER_IDS),
});

/** Runs events through the shipped rules and answers each one's recipients, as execution does. */
function story(grants: AuditorGrant[] = [], timestamp = 1_777_000_000_000) {
  const h = harness();
  const p = policy(grants);
  return (org: string, event: Record<string, unknown>) => {
    const after = h.state.fork();
    const verdict = h.engine.process(event, h.ctx(org), after);
    if (!verdict.accepted) throw new Error(`${verdict.code}: ${verdict.message}`);
    const out = recipientsOf({ event, org, timestamp, before: h.state, after }, p);
    after.commit();
    return out;
  };
}

describe('recipientsOf', () => {
  it('is the capturer alone for goods only it has held', () => {
    const run = story();
    expect(run('farm', commission([epc(1)]))).toEqual(['farm']);
  });

  it('adds the destination member and, after the ship, the consignee', () => {
    const run = story();
    run('farm', commission([epc(1)]));
    expect(run('farm', ship([epc(1)], PARTY.packer))).toEqual(['farm', 'packer']);
  });

  it('keeps the owner a recipient of what its custodian does with its goods', () => {
    const run = story();
    run('farm', commission([epc(1)]));
    run('farm', ship([epc(1)], PARTY.packer));
    expect(run('packer', receive([epc(1)]))).toEqual(['farm', 'packer']);
    // The packer observes goods the farm still owns: the farm sees it, the retailer does not.
    const observe = objectEvent({ epcList: [epc(1)], action: 'OBSERVE', bizStep: 'inspecting' });
    expect(run('packer', observe)).toEqual(['farm', 'packer']);
  });

  it('resolves source and destination entries as the custody rules do (party, owner, location)', () => {
    const p = policy();
    const empty = new MemoryCustodyState();
    const event = objectEvent({
      epcList: [],
      action: 'OBSERVE',
      sourceList: [{ type: 'owning_party', source: PARTY.packer }],
      destinationList: [
        { type: 'location', destination: 'urn:epc:id:sgln:0614141.00003.0' },
        { type: 'possessing_party', destination: PARTY.outsider },
      ],
    });
    const input = { event, org: 'farm', timestamp: 0, before: empty, after: empty };
    // The outsider's party resolves to nobody; possessing wins over the location, as in resolveParties.
    expect(recipientsOf(input, p)).toEqual(['farm', 'packer']);
    const located = {
      ...event,
      destinationList: [{ type: 'location', destination: 'urn:epc:id:sgln:0614141.00003.0' }],
    };
    expect(recipientsOf({ ...input, event: located }, p)).toEqual(['farm', 'packer', 'retail']);
  });

  it('adds an auditor whose scope matches the public view, only while its grant lasts', () => {
    const grant: AuditorGrant = { org: 'retail', role: 'auditor', scope: "step == 'shipping'" };
    const at = Date.parse('2026-06-01T00:00:00Z');
    const run = story([grant, { org: 'retail', role: 'auditor', until: '2026-05-01T00:00:00Z' }], at);
    expect(run('farm', commission([epc(1)]))).toEqual(['farm']);
    expect(run('farm', ship([epc(1)], PARTY.packer))).toEqual(['farm', 'packer', 'retail']);
    const later = story([{ org: 'retail', role: 'auditor', until: '2026-06-01T00:00:01Z' }], at);
    expect(later('farm', commission([epc(2)]))).toEqual(['farm', 'retail']);
    // `until` is exclusive: a block stamped at the instant the grant ends is outside it.
    const ended = story([{ org: 'retail', role: 'auditor', until: '2026-06-01T00:00:00Z' }], at);
    expect(ended('farm', commission([epc(3)]))).toEqual(['farm']);
  });

  it('treats a scope that fails at run time as not matching, on every node alike', () => {
    const run = story([{ org: 'retail', role: 'auditor', scope: "event.ilmd['example:lot'] == 'x'" }]);
    expect(run('farm', commission([epc(1)]))).toEqual(['farm']);
    const withLot = commission([epc(2)], { ilmd: { 'example:lot': 'x' } });
    expect(run('farm', withLot)).toEqual(['farm', 'retail']);
  });

  it('is deterministic: the same input gives the same sorted list', () => {
    const p = policy([{ org: 'packer', role: 'auditor' }]);
    const state = new MemoryCustodyState();
    const event = ship([epc(9)], PARTY.retail);
    const input = { event, org: 'farm', timestamp: 5, before: state, after: state };
    const first = recipientsOf(input, p);
    expect(first).toEqual(['farm', 'packer', 'retail']);
    expect(recipientsOf({ ...input, event: structuredClone(event) }, p)).toEqual(first);
  });
});

describe('auditor grants', () => {
  it('refuses grants it cannot apply, naming the grant', () => {
    const cases: [AuditorGrant, RegExp][] = [
      [{ org: 'nobody', role: 'auditor' }, /grants\[0\]: org nobody is not a member/],
      [{ org: 'farm', role: 'auditor', until: 'tomorrow' }, /until tomorrow is not an RFC 3339/],
      [{ org: 'farm', role: 'auditor', until: '2026-01-01' }, /not an RFC 3339/],
      [{ org: 'farm', role: 'auditor', scope: 'step ==' }, /scope: CEL/],
      [{ org: 'farm', role: 'auditor', scope: 'step' }, /must be bool, is string/],
      [{ org: 'farm', role: 'auditor', scope: 'price > 3' }, /scope: CEL/],
      [{ org: 'farm', role: 'owner' as 'auditor' }, /role owner is not auditor/],
    ];
    for (const [grant, message] of cases) {
      expect(() => compileGrants([grant], MEMBER_IDS)).toThrow(GrantError);
      expect(() => compileGrants([grant], MEMBER_IDS)).toThrow(message);
    }
  });

  it('are read through GrantReader at the height being executed', () => {
    const heights: number[] = [];
    const grants: AuditorGrant[] = [{ org: 'retail', role: 'auditor' }];
    const book = new Recipients(MEMBERS, {
      grantsAt: (height) => {
        heights.push(height);
        return height >= 10 ? grants : [];
      },
    });
    expect(book.at(3).grants).toEqual([]);
    expect(book.at(12).grants.map((g) => g.org)).toEqual(['retail']);
    expect(heights).toEqual([3, 12]);
    expect(new Recipients(MEMBERS, new GenesisGrants(grants)).at(1).grants).toHaveLength(1);
  });
});

describe('recipients on committed blocks', () => {
  let chain: Chain | undefined;
  afterEach(() => chain?.close());

  it('are recorded by execution and stored with the block', () => {
    chain = new Chain('farm', [{ org: 'carrier', role: 'auditor', scope: "step == 'shipping'" }]);
    const made = commission([epc(1)]);
    const shipped = ship([epc(1)], PARTY.packer);
    chain.commit(chain.capture('farm', [made]));
    chain.commit(chain.capture('farm', [shipped]));
    expect(chain.store.index.reader.recipients(made.eventID as string)).toEqual(['farm']);
    expect(chain.store.index.reader.recipients(shipped.eventID as string)).toEqual([
      'carrier',
      'farm',
      'packer',
    ]);
    expect(chain.store.index.reader.recipients('urn:uuid:unknown')).toEqual([]);
  });
});
