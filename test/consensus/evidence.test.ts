import { describe, expect, it } from 'vitest';
import {
  type ConflictingProposalEvidence,
  type DuplicateVoteEvidence,
  type Evidence,
  verifyEvidence,
} from '../../services/consensus/index.js';
import { verify } from '../../services/crypto/index.js';
import {
  block,
  GENESIS,
  Harness,
  hashOfBlock,
  id,
  logged,
  NETWORK,
  ofType,
  proposal,
  signed,
  validators,
  vote,
} from './helpers.js';

const members = new Map(validators.map((v) => [v.id, v.publicKey]));
const check = (e: unknown, network = NETWORK, keys: ReadonlyMap<string, Uint8Array> = members): boolean =>
  verifyEvidence(e as Evidence, network, keys, verify);

// Node org-0 is under test. At height 1 the proposers are org-1 (round 0), org-2, org-3, org-0.
const B = block(GENESIS, 0);
const hB = hashOfBlock(B);
const C = block(GENESIS, 0, { marker: 'another block' });
const hC = hashOfBlock(C);

const evidenceOf = (actions: ReturnType<Harness['step']>): Evidence[] =>
  ofType('evidence', actions).map((a) => a.evidence);

/** A duplicate_vote evidence as the core emits it, to tamper with. */
function doubleVote(): DuplicateVoteEvidence {
  const h = new Harness(0);
  h.startRound0();
  h.receive(vote(3, 'prevote', 1, 0, hB));
  const [e] = evidenceOf(h.receive(vote(3, 'prevote', 1, 0, null)));
  if (e?.kind !== 'duplicate_vote') throw new Error('no duplicate_vote evidence');
  return e;
}

function conflictingProposals(): ConflictingProposalEvidence {
  const h = new Harness(0);
  h.startRound0();
  h.receive(proposal(1, B, 0));
  const [e] = evidenceOf(h.receive(proposal(1, C, 0)));
  if (e?.kind !== 'conflicting_proposal') throw new Error('no conflicting_proposal evidence');
  return e;
}

describe('evidence of equivocation', () => {
  it('reports two prevotes of one member for one round, a block and nil', () => {
    const h = new Harness(0);
    h.startRound0();
    expect(evidenceOf(h.receive(vote(3, 'prevote', 1, 0, hB)))).toEqual([]);
    const out = h.receive(vote(3, 'prevote', 1, 0, null));
    expect(logged('equivocation', out)).toBe(true);
    expect(evidenceOf(out)).toEqual([
      {
        kind: 'duplicate_vote',
        member: id(3),
        height: 1,
        round: 0,
        first: vote(3, 'prevote', 1, 0, hB),
        second: vote(3, 'prevote', 1, 0, null),
      },
    ]);
    expect(check(evidenceOf(out)[0])).toBe(true);
  });

  it('reports two precommits for different blocks, and each slot only once', () => {
    const h = new Harness(0);
    h.startRound0();
    h.receive(vote(2, 'precommit', 1, 0, hB));
    const first = evidenceOf(h.receive(vote(2, 'precommit', 1, 0, hC)));
    expect(first).toEqual([expect.objectContaining({ kind: 'duplicate_vote', member: id(2), round: 0 })]);
    expect(check(first[0])).toBe(true);
    // The same conflict again, or a third value for the slot: nothing new to report.
    expect(evidenceOf(h.receive(vote(2, 'precommit', 1, 0, hC)))).toEqual([]);
    expect(evidenceOf(h.receive(vote(2, 'precommit', 1, 0, null)))).toEqual([]);
    // Another slot of the same member (its prevote) is another piece of evidence.
    h.receive(vote(2, 'prevote', 1, 0, hB));
    expect(evidenceOf(h.receive(vote(2, 'prevote', 1, 0, hC)))).toHaveLength(1);
    expect(ofType('evidence', h.all)).toHaveLength(2);
  });

  it('reports two proposals for one round with different blocks, without the blocks', () => {
    const h = new Harness(0);
    h.startRound0();
    h.receive(proposal(1, B, 0));
    const out = h.receive(proposal(1, C, 0));
    expect(logged('equivocation', out)).toBe(true);
    const [e] = evidenceOf(out);
    const { type: _, block: _b, ...header } = proposal(1, B, 0);
    expect(e).toEqual({
      kind: 'conflicting_proposal',
      member: id(1),
      height: 1,
      round: 0,
      first: { ...header, blockHash: hB },
      second: expect.objectContaining({ blockHash: hC, proposer: id(1), validRound: -1 }),
    });
    expect(JSON.stringify(e)).not.toContain('txRoot'); // no block inside
    expect(check(e)).toBe(true);
    expect(evidenceOf(h.receive(proposal(1, C, 0)))).toEqual([]); // once
    // The first proposal stands: org-0 prevoted B when it arrived.
    expect(signed('prevote', h.all)).toEqual([expect.objectContaining({ blockHash: hB })]);
  });

  it('reports equivocation at the next height once it gets there', () => {
    const h = new Harness(0);
    h.startRound0();
    h.receive(vote(3, 'prevote', 2, 0, 'aa'.repeat(32)));
    h.receive(vote(3, 'prevote', 2, 0, null)); // buffered for height 2
    expect(ofType('evidence', h.all)).toEqual([]);
    h.receive(proposal(1, B, 0));
    for (const v of [1, 2, 3]) h.receive(vote(v, 'prevote', 1, 0, hB));
    const out = [1, 2].flatMap((v) => h.receive(vote(v, 'precommit', 1, 0, hB)));
    expect(ofType('commit', out)).toHaveLength(1);
    expect(evidenceOf(out)).toEqual([expect.objectContaining({ member: id(3), height: 2, round: 0 })]);
  });

  it('reports nothing for forged, re-sent or merely different-looking messages', () => {
    const h = new Harness(0);
    h.startRound0();
    h.receive(vote(1, 'prevote', 1, 0, hB));
    h.receive(vote(1, 'prevote', 1, 0, hB)); // a re-sent copy
    // Someone else's signature on a conflicting vote claimed to be org-1's: not org-1's doing.
    const forged = { ...vote(1, 'prevote', 1, 0, null), signature: vote(2, 'prevote', 1, 0, null).signature };
    expect(logged('invalid_signature', h.receive(forged))).toBe(true);
    // A member that is not a validator cannot be accused.
    h.receive({ ...vote(1, 'prevote', 1, 0, null), voter: 'mallory' }, 'mallory');
    expect(ofType('evidence', h.all)).toEqual([]);
  });
});

describe('verifyEvidence', () => {
  it('accepts evidence emitted by the core', () => {
    expect(check(doubleVote())).toBe(true);
    expect(check(conflictingProposals())).toBe(true);
  });

  it('survives a JSON round trip, as in a ledger transaction', () => {
    expect(check(JSON.parse(JSON.stringify(doubleVote())))).toBe(true);
    expect(check(JSON.parse(JSON.stringify(conflictingProposals())))).toBe(true);
  });

  it('rejects forged or mismatched vote evidence', () => {
    const e = doubleVote();
    const other = vote(2, 'prevote', 1, 0, null);
    const cases: Record<string, unknown> = {
      'broken signature': {
        ...e,
        second: { ...e.second, signature: `${e.second.signature.slice(0, -2)}00` },
      },
      'not hex signature': { ...e, first: { ...e.first, signature: 'zz' } },
      'value changed after signing': { ...e, second: { ...e.second, blockHash: hC } },
      'same value twice': { ...e, second: e.first },
      'another member named': { ...e, member: id(2) },
      'votes of two members': { ...e, second: other },
      'second vote relabelled': { ...e, second: { ...other, voter: id(3) } },
      'different types': { ...e, second: vote(3, 'precommit', 1, 0, null) },
      'different rounds': { ...e, second: vote(3, 'prevote', 1, 1, null) },
      'different heights': { ...e, second: vote(3, 'prevote', 2, 0, null) },
      'slot not the votes': { ...e, round: 1 },
      'proposal kind on votes': { ...e, kind: 'conflicting_proposal' },
      'unknown kind': { ...e, kind: 'light_client_attack' },
    };
    for (const [name, forged] of Object.entries(cases)) expect(check(forged), name).toBe(false);
    expect(check(e, 'another-network')).toBe(false);
    expect(check(e, NETWORK, new Map([...members].filter(([m]) => m !== id(3))))).toBe(false);
  });

  it('rejects forged or mismatched proposal evidence', () => {
    const e = conflictingProposals();
    const cases: Record<string, unknown> = {
      'broken signature': { ...e, first: { ...e.first, signature: `${e.first.signature.slice(0, -2)}00` } },
      'block changed after signing': { ...e, second: { ...e.second, blockHash: 'ee'.repeat(32) } },
      'validRound changed after signing': { ...e, second: { ...e.second, validRound: 0 } },
      'same block twice': { ...e, second: e.first },
      'another member named': { ...e, member: id(2), first: { ...e.first, proposer: id(2) } },
      'different rounds': { ...e, second: { ...e.second, round: 1 } },
      'vote kind on proposals': { ...e, kind: 'duplicate_vote' },
    };
    for (const [name, forged] of Object.entries(cases)) expect(check(forged), name).toBe(false);
    expect(check(e, 'another-network')).toBe(false);
  });

  it('returns false, never throws, on junk', () => {
    const e = doubleVote();
    const junk: unknown[] = [
      null,
      undefined,
      42,
      'evidence',
      [],
      {},
      { ...e, first: null },
      { ...e, second: 'x' },
      { ...e, height: -1 },
      { ...e, height: '1' },
      { ...e, round: 1.5 },
      { ...e, member: 7 },
      { ...e, first: { ...e.first, blockHash: 5 } },
      { ...e, second: { ...e.second, signature: null } },
    ];
    for (const j of junk) expect(check(j), JSON.stringify(j) ?? 'undefined').toBe(false);
    const throwing = () => {
      throw new Error('verifier failed');
    };
    expect(verifyEvidence(e, NETWORK, members, throwing)).toBe(false);
  });
});

describe('counting an equivocating member', () => {
  it("counts a faulty member's relayed prevote for a re-proposed block it first saw as nil", () => {
    // Round 0: org-0 misses the proposal and sees org-3 prevote nil, while org-1, org-2 and
    // (to them) org-3 prevote B. Round 1: org-2 re-proposes B with validRound 0 and relays org-3's
    // prevote for B. Counting only org-3's first vote, org-0 would never see that polka.
    const h = new Harness(0);
    h.startRound0();
    h.timeout(1, 0, 'propose'); // prevote nil
    h.receive(vote(3, 'prevote', 1, 0, null));
    h.receive(vote(1, 'prevote', 1, 0, hB));
    h.receive(vote(2, 'prevote', 1, 0, hB));
    h.timeout(1, 0, 'prevote'); // precommit nil
    for (const v of [1, 2]) h.receive(vote(v, 'precommit', 1, 0, null));
    h.timeout(1, 0, 'precommit');
    expect(h.core.status.round).toBe(1);
    expect(signed('prevote', h.receive(proposal(2, B, 1, 0)))).toEqual([]); // 2 prevotes for B in round 0
    const out = h.receive(vote(3, 'prevote', 1, 0, hB));
    expect(evidenceOf(out)).toEqual([expect.objectContaining({ member: id(3), round: 0 })]);
    expect(signed('prevote', out)).toEqual([expect.objectContaining({ round: 1, blockHash: hB })]);
  });

  it('does not count a conflicting vote for nil (timeouts do that job)', () => {
    const h = new Harness(0);
    h.startRound0();
    h.timeout(1, 0, 'propose'); // prevote nil
    h.receive(vote(3, 'prevote', 1, 0, null));
    h.receive(vote(1, 'prevote', 1, 0, hB));
    h.receive(vote(1, 'prevote', 1, 0, null)); // would be the third nil prevote
    expect(signed('precommit', h.all)).toEqual([]);
    h.receive(vote(2, 'prevote', 1, 0, null)); // the third, from a member that voted once
    expect(signed('precommit', h.all)).toEqual([expect.objectContaining({ blockHash: null })]);
  });
});

describe('censorship policy (acceptProposal)', () => {
  it('prevotes nil for a proposal the policy refuses, and says why', () => {
    const seen: number[] = [];
    const h = new Harness(0, {
      acceptProposal: (_block, now) => {
        seen.push(now);
        return false;
      },
    });
    h.startRound0();
    const out = h.receive(proposal(1, B, 0));
    expect(signed('prevote', out)).toEqual([expect.objectContaining({ blockHash: null })]);
    expect(logged('censorship_suspected', out)).toBe(true);
    expect(seen).toEqual([h.now]);
  });

  it('prevotes the block when the policy accepts it', () => {
    const h = new Harness(0, { acceptProposal: () => true });
    h.startRound0();
    expect(signed('prevote', h.receive(proposal(1, B, 0)))).toEqual([
      expect.objectContaining({ blockHash: hB }),
    ]);
  });

  it('is not asked about an invalid block, its own proposal, or a re-proposal with a polka', () => {
    let asked = 0;
    const acceptProposal = () => {
      asked++;
      return false;
    };
    const invalid = new Harness(0, { acceptProposal, validateBlock: () => false });
    invalid.startRound0();
    invalid.receive(proposal(1, B, 0));
    const own = new Harness(1, { acceptProposal });
    own.startRound0();
    const built = ofType('build_block', own.all)[0];
    expect(built).toBeDefined();
    own.step({ type: 'block_built', height: 1, round: 0, block: B });
    expect(signed('prevote', own.all)).toEqual([expect.objectContaining({ blockHash: hB })]);
    expect(asked).toBe(0);
    // A re-proposal backed by 2f+1 prevotes may hold locks: refusing it could stall the network.
    const h = new Harness(0, { acceptProposal });
    h.startRound0();
    h.timeout(1, 0, 'propose');
    for (const v of [1, 2, 3]) h.receive(vote(v, 'prevote', 1, 0, hB));
    h.timeout(1, 0, 'prevote');
    for (const v of [1, 2]) h.receive(vote(v, 'precommit', 1, 0, null));
    h.timeout(1, 0, 'precommit');
    expect(signed('prevote', h.receive(proposal(2, B, 1, 0)))).toEqual([
      expect.objectContaining({ round: 1, blockHash: hB }),
    ]);
    expect(asked).toBe(0);
  });
});
