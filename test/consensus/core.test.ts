import { describe, expect, it } from 'vitest';
import type { ConsensusAction, Decision, Vote } from '../../services/consensus/index.js';
import { verify } from '../../services/crypto/index.js';
import { verifyCertificate } from '../../services/ledger/index.js';
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
  T0,
  TIMEOUTS,
  validators,
  vote,
} from './helpers.js';

const members = new Map(validators.map((v) => [v.id, v.publicKey]));

// Node org-0 is under test. At height 1 the proposers are org-1 (round 0), org-2, org-3, org-0.
const B = block(GENESIS, 0);
const hB = hashOfBlock(B);

describe('quorum commit', () => {
  it('prevotes a valid proposal, precommits on a polka and commits on 2f+1 precommits', () => {
    const h = new Harness(0);
    h.startRound0();
    expect(signed('prevote', h.receive(proposal(1, B, 0)))).toEqual([
      expect.objectContaining({ blockHash: hB, round: 0 }),
    ]);
    h.receive(vote(1, 'prevote', 1, 0, hB));
    expect(signed('precommit', h.receive(vote(2, 'prevote', 1, 0, hB)))).toEqual([
      expect.objectContaining({ blockHash: hB }),
    ]);
    expect(ofType('commit', h.receive(vote(3, 'precommit', 1, 0, hB)))).toEqual([]); // 2 of 3 precommits
    const out = h.receive(vote(1, 'precommit', 1, 0, hB));
    const [commit] = ofType('commit', out);
    expect(commit?.hash).toBe(hB);
    expect(commit?.certificate.signatures.map((s) => s.member)).toEqual([id(0), id(1), id(3)]); // validator order
    expect(verifyCertificate(commit?.certificate ?? ({} as never), NETWORK, members, 3, verify)).toBe(true);
    expect(out.findIndex((a) => a.type === 'commit')).toBe(0);
    expect(h.core.status).toMatchObject({ height: 2, round: 0 });
  });

  it('commits a block decided in an earlier round once it holds 2f+1 precommits for it', () => {
    const h = new Harness(0);
    h.startRound0();
    h.receive(proposal(1, B, 0));
    for (const v of [1, 2]) h.receive(vote(v, 'prevote', 1, 0, null)); // no polka for us
    h.timeout(1, 0, 'prevote');
    for (const v of [1, 2, 3]) h.receive(vote(v, 'precommit', 1, 3, null)); // skip to round 3
    expect(h.core.status.round).toBe(3);
    const out = [1, 2, 3].flatMap((v) => h.receive(vote(v, 'precommit', 1, 0, hB)));
    expect(ofType('commit', out)[0]?.certificate).toMatchObject({ height: 1, round: 0, blockHash: hB });
  });

  it('does not commit a block it has never seen, however many precommits it holds', () => {
    const h = new Harness(0);
    h.startRound0();
    const out = [1, 2, 3].flatMap((v) => h.receive(vote(v, 'precommit', 1, 0, hB)));
    expect(ofType('commit', out)).toEqual([]);
    expect(ofType('commit', h.receive(proposal(1, B, 0)))).toHaveLength(1);
  });

  it('refuses to commit a block that does not extend its tip, even with 2f+1 precommits', () => {
    // Only possible with more than f faulty validators; a correct node must not follow them.
    const h = new Harness(0);
    h.startRound0();
    const orphan = { ...B, header: { ...B.header, parentHash: 'cd'.repeat(32) } };
    h.receive(proposal(1, orphan, 0));
    const out = [1, 2, 3].flatMap((v) => h.receive(vote(v, 'precommit', 1, 0, hashOfBlock(orphan))));
    expect(ofType('commit', out)).toEqual([]);
    expect(logged('quorum_for_invalid_block', out)).toBe(true);
  });
});

describe('locking', () => {
  /** org-0 locks on B in round 0, then round 0 fails (nil precommits) and round 1 starts. */
  function lockedOnB(): Harness {
    const h = new Harness(0);
    h.startRound0();
    h.receive(proposal(1, B, 0));
    h.receive(vote(1, 'prevote', 1, 0, hB));
    h.receive(vote(2, 'prevote', 1, 0, hB));
    h.receive(vote(1, 'precommit', 1, 0, null));
    h.receive(vote(2, 'precommit', 1, 0, null));
    h.timeout(1, 0, 'precommit');
    expect(h.core.status.round).toBe(1);
    return h;
  }

  it('prevotes nil for a different fresh block after locking on B', () => {
    const h = lockedOnB();
    const C = block(GENESIS, 1);
    expect(signed('prevote', h.receive(proposal(2, C, 1)))).toEqual([
      expect.objectContaining({ blockHash: null }),
    ]);
  });

  it('prevotes for B when it is re-proposed with its validRound', () => {
    const h = lockedOnB();
    expect(signed('prevote', h.receive(proposal(2, B, 1, 0)))).toEqual([
      expect.objectContaining({ blockHash: hB }),
    ]);
  });

  it('relays the polka behind a re-proposal before the proposal itself', () => {
    const h = new Harness(2); // org-2 proposes round 1
    h.startRound0();
    h.receive(proposal(1, B, 0));
    h.receive(vote(1, 'prevote', 1, 0, hB));
    h.receive(vote(3, 'prevote', 1, 0, hB));
    h.receive(vote(1, 'precommit', 1, 0, null));
    h.receive(vote(3, 'precommit', 1, 0, null));
    const out = h.timeout(1, 0, 'precommit');
    const sent = ofType('broadcast', out).map((a) => a.message);
    const at = sent.findIndex((m) => m.type === 'proposal' && m.round === 1 && m.validRound === 0);
    const relayed = sent
      .slice(0, at)
      .filter((m) => m.type === 'prevote' && m.round === 0 && m.voter !== id(2));
    expect(at).toBeGreaterThan(0);
    expect(relayed.map((m) => (m.type === 'prevote' ? m.voter : ''))).toEqual([id(1), id(3)]);
  });

  it('relays its own prevote from validRound too, however old that round is', () => {
    // A node that restarted since holds only its own votes: without the re-proposer's own prevote
    // it can never see 2f+1, and the re-proposer no longer re-sends messages that old.
    const h = new Harness(2); // org-2 proposes rounds 1 and 5 of height 1
    h.startRound0();
    h.receive(proposal(1, B, 0)); // org-2 prevotes B
    for (const v of [1, 3]) h.receive(vote(v, 'prevote', 1, 0, hB)); // polka: lock and precommit B
    for (const v of [1, 3]) h.receive(vote(v, 'precommit', 1, 4, null)); // f+1 in round 4: skip
    expect(h.core.status.round).toBe(4);
    for (const v of [1, 3]) h.receive(vote(v, 'precommit', 1, 5, null));
    const sent = ofType('broadcast', h.all).map((a) => a.message);
    const at = sent.findIndex((m) => m.type === 'proposal' && m.round === 5);
    expect(sent[at]).toMatchObject({ validRound: 0, block: B });
    const relayed = sent.slice(at - 3, at).map((m) => (m.type === 'prevote' ? `${m.voter} r${m.round}` : ''));
    expect(relayed).toEqual([`${id(1)} r0`, `${id(2)} r0`, `${id(3)} r0`]);
  });

  it('accepts a re-proposal once relayed prevotes complete its polka', () => {
    const h = new Harness(0);
    h.startRound0();
    for (const v of [2, 3]) h.receive(vote(v, 'precommit', 1, 1, null)); // f+1 in round 1: skip
    expect(h.core.status.round).toBe(1);
    expect(signed('prevote', h.receive(proposal(2, B, 1, 0)))).toEqual([]); // no polka for round 0 yet
    h.receive(vote(1, 'prevote', 1, 0, hB), id(2));
    h.receive(vote(2, 'prevote', 1, 0, hB), id(2));
    const out = h.receive(vote(3, 'prevote', 1, 0, hB), id(2)); // relayed by org-2, signed by org-3
    expect(signed('prevote', out)).toEqual([expect.objectContaining({ round: 1, blockHash: hB })]);
  });

  it('unlocks for a block with a polka newer than its lock (L28)', () => {
    const h = lockedOnB();
    const C = block(GENESIS, 1);
    const hC = hashOfBlock(C);
    h.timeout(1, 1, 'propose'); // org-0 prevotes nil in round 1, others form a polka for C
    for (const v of [1, 2, 3]) h.receive(vote(v, 'prevote', 1, 1, hC));
    for (const v of [1, 2]) h.receive(vote(v, 'precommit', 1, 1, null));
    h.timeout(1, 1, 'precommit');
    // Round 2 (proposer org-3) re-proposes C with validRound 1 > lockedRound 0.
    expect(signed('prevote', h.receive(proposal(3, C, 2, 1)))).toEqual([
      expect.objectContaining({ blockHash: hC }),
    ]);
  });
});

describe('round skip', () => {
  it('jumps to a round that f+1 distinct validators are already in', () => {
    const h = new Harness(0);
    h.startRound0();
    h.receive(vote(2, 'prevote', 1, 3, null));
    h.receive(vote(2, 'precommit', 1, 3, null)); // same validator twice: still one
    expect(h.core.status.round).toBe(0);
    const out = h.receive(vote(3, 'prevote', 1, 3, null));
    expect(h.core.status).toMatchObject({ round: 3, step: 'propose', proposer: id(0) });
    expect(ofType('build_block', out)).toEqual([expect.objectContaining({ height: 1, round: 3 })]); // org-0 leads round 3
  });
});

describe('message checks', () => {
  it('drops a vote with a bad signature', () => {
    const h = new Harness(0);
    h.startRound0();
    const forged = { ...vote(1, 'prevote', 1, 0, null), signature: vote(2, 'prevote', 1, 0, null).signature };
    const out = h.receive(forged);
    expect(logged('invalid_signature', out)).toBe(true);
    h.receive(vote(2, 'prevote', 1, 0, null));
    h.timeout(1, 0, 'propose'); // org-0 prevotes nil: 2 valid nil prevotes, not 3
    expect(signed('precommit', h.all)).toEqual([]);
  });

  it('drops messages from non-validators and proposals from the wrong proposer', () => {
    const h = new Harness(0);
    h.startRound0();
    const stranger = { ...vote(1, 'prevote', 1, 0, hB), voter: 'mallory' };
    expect(logged('not_a_validator', h.receive(stranger, 'mallory'))).toBe(true);
    const wrong = h.receive(proposal(2, B, 0)); // org-2 is not the proposer of round 0
    expect(logged('wrong_proposer', wrong)).toBe(true);
    expect(signed('prevote', wrong)).toEqual([]);
    expect(h.core.status.step).toBe('propose');
  });

  it('counts an equivocating validator once', () => {
    const h = new Harness(0);
    h.startRound0();
    h.timeout(1, 0, 'propose'); // org-0 prevotes nil
    h.receive(vote(2, 'prevote', 1, 0, null));
    h.receive(vote(1, 'prevote', 1, 0, hB));
    const out = h.receive(vote(1, 'prevote', 1, 0, null)); // would make three nil prevotes
    expect(logged('equivocation', out)).toBe(true);
    expect(signed('precommit', h.all)).toEqual([]);
  });

  it('prevotes nil for invalid blocks', () => {
    const cases = [
      { name: 'wrong parent', b: { ...B, header: { ...B.header, parentHash: 'cd'.repeat(32) } } },
      { name: 'timestamp before parent', b: block(GENESIS, 0, { timestamp: GENESIS.timestamp }) },
      {
        name: 'timestamp in the future',
        b: block(GENESIS, 0, { timestamp: T0 + TIMEOUTS.maxClockDriftMs + 1 }),
      },
      { name: 'bad tx root', b: { ...B, header: { ...B.header, txRoot: '00'.repeat(32) } } },
      { name: 'wrong height', b: { ...B, header: { ...B.header, height: 2 } } },
    ];
    for (const { name, b } of cases) {
      const h = new Harness(0);
      h.startRound0();
      expect(signed('prevote', h.receive(proposal(1, b, 0, -1, 1))), name).toEqual([
        expect.objectContaining({ blockHash: null }),
      ]);
    }
  });

  it('prevotes nil for a block the application rejects', () => {
    const h = new Harness(0, { validateBlock: () => false });
    h.startRound0();
    expect(signed('prevote', h.receive(proposal(1, B, 0)))).toEqual([
      expect.objectContaining({ blockHash: null }),
    ]);
  });
});

describe('proposer and persistence', () => {
  it('builds, persists, then broadcasts its proposal and prevote', () => {
    const h = new Harness(1); // org-1 proposes height 1 round 0
    const out = h.startRound0();
    expect(ofType('build_block', out)).toEqual([
      {
        type: 'build_block',
        height: 1,
        round: 0,
        parentHash: GENESIS.hash,
        minTimestamp: GENESIS.timestamp + 1,
      },
    ]);
    const after = h.step({ type: 'block_built', height: 1, round: 0, block: B });
    expect(
      after.filter((a) => a.type === 'persist' || a.type === 'broadcast').map((a) => describeAction(a)),
    ).toEqual(['persist 1', 'broadcast proposal', 'persist 2', 'broadcast prevote']);
    expect(ofType('log', h.step({ type: 'block_built', height: 1, round: 0, block: B }))).toEqual([
      expect.objectContaining({ event: 'stale_block_built' }),
    ]);
  });

  it('grows timeouts by deltaMs per round and ignores stale ones', () => {
    const h = new Harness(0);
    h.startRound0();
    for (const v of [2, 3]) h.receive(vote(v, 'prevote', 1, 2, null));
    const timers = ofType('schedule_timeout', h.all).filter((t) => t.step === 'propose');
    expect(timers.map((t) => [t.round, t.delayMs])).toEqual([
      [0, TIMEOUTS.proposeMs],
      [2, TIMEOUTS.proposeMs + 2 * TIMEOUTS.deltaMs],
    ]);
    expect(h.timeout(1, 0, 'propose')).toEqual([]); // round 0 is over
  });

  it('restarts from persisted state without signing a different vote', () => {
    const h = new Harness(0);
    h.startRound0();
    h.receive(proposal(1, B, 0));
    const persisted = ofType('persist', h.all).at(-1)?.state ?? null;
    expect(persisted?.sent).toHaveLength(1);

    const again = new Harness(0);
    const boot = again.start(GENESIS, persisted);
    expect(signed('prevote', boot)).toEqual([expect.objectContaining({ blockHash: hB, round: 0 })]);
    // A fresh node would prevote nil on this timeout; the restarted one re-sends its prevote.
    again.timeout(1, 0, 'propose');
    for (const v of [1, 2]) again.receive(vote(v, 'prevote', 1, 0, null));
    const prevotes = signed('prevote', again.all);
    expect(new Set(prevotes.map((p) => p.signature))).toEqual(new Set([prevotes[0]?.signature]));
    expect(
      ofType('persist', again.all).every(
        (p) => p.state.sent.filter((m) => m.type === 'prevote').length === 1,
      ),
    ).toBe(true);
  });

  it('keeps the polka behind its valid block across a restart, to re-propose it and relay it', () => {
    const h = new Harness(0);
    h.startRound0();
    h.receive(proposal(1, B, 0));
    for (const v of [1, 2]) h.receive(vote(v, 'prevote', 1, 0, hB)); // polka: lock on B
    const persisted = ofType('persist', h.all).at(-1)?.state ?? null;
    expect(persisted).toMatchObject({ lockedRound: 0, validRound: 0 });

    // Restarted, it holds only what it persisted; org-1 and org-2's prevotes must be among it:
    // if one of them is gone for good, nobody else may hold them, and nothing else can end the height.
    const again = new Harness(0);
    again.start(GENESIS, persisted);
    const out = [1, 2, 3].flatMap((v) => again.receive(vote(v, 'precommit', 1, 3, null))); // round 3: org-0 proposes
    const relayed = ofType('broadcast', out)
      .map((a) => a.message)
      .filter((m): m is Vote => m.type === 'prevote' && m.round === 0);
    expect(relayed.map((v) => v.voter).sort()).toEqual([id(0), id(1), id(2)]);
    expect(
      ofType('broadcast', out).some((a) => a.message.type === 'proposal' && a.message.validRound === 0),
    ).toBe(true);
    expect(signed('prevote', out).filter((v) => v.round === 3)).toEqual([
      expect.objectContaining({ voter: id(0), blockHash: hB }),
    ]);
  });

  it('never signs a second vote for a slot, even if the persisted step lags behind', () => {
    const own = vote(0, 'prevote', 1, 0, hB);
    const lagging = {
      height: 1,
      round: 0,
      step: 'propose' as const,
      lockedRound: -1,
      lockedBlock: null,
      validRound: -1,
      validBlock: null,
      sent: [own],
    };
    const h = new Harness(0);
    h.start(GENESIS, lagging);
    const out = h.timeout(1, 0, 'propose'); // would be a nil prevote
    expect(logged('resign_refused', out)).toBe(true);
    expect(new Set(signed('prevote', h.all).map((v) => v.signature))).toEqual(new Set([own.signature]));
    expect(ofType('persist', h.all)).toEqual([]);
  });

  it('restarted proposer re-sends its proposal instead of building another', () => {
    const h = new Harness(1);
    h.startRound0();
    h.step({ type: 'block_built', height: 1, round: 0, block: B });
    const persisted = ofType('persist', h.all).at(-1)?.state ?? null;
    const again = new Harness(1);
    const boot = again.start(GENESIS, persisted);
    expect(ofType('build_block', boot)).toEqual([]);
    expect(boot.some((a) => a.type === 'broadcast' && a.message.type === 'proposal')).toBe(true);
  });

  it('ignores persisted state of another height', () => {
    const h = new Harness(0);
    const stale = {
      height: 1,
      round: 4,
      step: 'precommit' as const,
      lockedRound: -1,
      lockedBlock: null,
      validRound: -1,
      validBlock: null,
      sent: [],
    };
    const out = h.start({ ...GENESIS, height: 1, hash: hB, timestamp: B.header.timestamp }, stale);
    expect(h.core.status).toMatchObject({ height: 2, round: 0 });
    expect(ofType('schedule_timeout', out)).toEqual([expect.objectContaining({ step: 'commit', height: 2 })]);
  });

  it('sends everything signed at this height to a peer that reconnects', () => {
    const h = new Harness(0);
    h.startRound0();
    h.receive(proposal(1, B, 0));
    const out = h.step({ type: 'peer_connected', peer: id(3) });
    expect(out).toEqual([
      expect.objectContaining({
        type: 'send',
        to: id(3),
        message: expect.objectContaining({ type: 'prevote' }),
      }),
    ]);
  });
});

describe('catch-up', () => {
  function decision(b = B, voters = [1, 2, 3]): Decision {
    const h = b.header.height;
    const signatures = voters.map((v) => ({
      member: id(v),
      signature: vote(v, 'precommit', h, 0, hashOfBlock(b)).signature,
    }));
    return {
      type: 'decision',
      block: b,
      certificate: { height: h, round: 0, blockHash: hashOfBlock(b), signatures },
    };
  }

  it('commits a certified decision and rejects one without a quorum', () => {
    const h = new Harness(0);
    h.start();
    expect(logged('invalid_decision', h.receive(decision(B, [1, 2])))).toBe(true);
    const out = h.receive(decision());
    expect(ofType('commit', out)).toEqual([expect.objectContaining({ hash: hB })]);
    expect(h.core.status.height).toBe(2);
  });

  it('keeps the next height, asks the peer for sync, and applies it after the current one', () => {
    const h = new Harness(0);
    h.start();
    const tip1 = { height: 1, hash: hB, timestamp: B.header.timestamp };
    const B2 = block(tip1, 0);
    const out = h.receive(decision(B2), id(2));
    expect(ofType('sync_from', out)).toEqual([{ type: 'sync_from', peer: id(2), height: 3 }]);
    expect(ofType('sync_from', h.receive(decision(B2), id(2)))).toEqual([]); // not twice
    const both = h.receive(decision());
    expect(ofType('commit', both).map((c) => c.block.header.height)).toEqual([1, 2]);
  });

  it('tells the driver about a peer several heights behind', () => {
    const h = new Harness(0);
    h.start({ height: 5, hash: 'cd'.repeat(32), timestamp: T0 - 10 });
    const out = h.receive(vote(2, 'prevote', 3, 0, null), id(2));
    expect(ofType('peer_behind', out)).toEqual([{ type: 'peer_behind', peer: id(2), height: 3 }]);
  });
});

describe('waiting for transactions', () => {
  it('waits for txs or the heartbeat before starting a height', () => {
    const h = new Harness(1); // proposer of height 1 round 0
    expect(ofType('schedule_timeout', h.start())).toEqual([
      expect.objectContaining({ step: 'commit', delayMs: TIMEOUTS.commitMs }),
    ]);
    const idle = h.timeout(1, 0, 'commit');
    expect(idle).toEqual([
      expect.objectContaining({
        type: 'schedule_timeout',
        step: 'empty',
        delayMs: TIMEOUTS.emptyBlockIntervalMs,
      }),
    ]);
    expect(ofType('build_block', h.step({ type: 'txs_available', available: true }))).toHaveLength(1);
  });

  it('starts on the heartbeat timeout with an empty mempool', () => {
    const h = new Harness(1);
    h.start();
    h.timeout(1, 0, 'commit');
    expect(ofType('build_block', h.timeout(1, 0, 'empty'))).toHaveLength(1);
  });

  it('starts as soon as another validator is working on the height', () => {
    const h = new Harness(0);
    h.start();
    h.timeout(1, 0, 'commit');
    const out = h.receive(proposal(1, B, 0));
    expect(signed('prevote', out)).toEqual([expect.objectContaining({ blockHash: hB })]);
  });
});

function describeAction(a: ConsensusAction): string {
  if (a.type === 'persist') return `persist ${a.state.sent.length}`;
  if (a.type === 'broadcast') return `broadcast ${a.message.type}`;
  return a.type;
}
