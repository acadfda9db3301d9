import { describe, expect, it } from 'vitest';
import { statusOf } from '../../../services/api/index.js';
import { ErrorCode, WaybillError } from '../../../services/common/index.js';
import { DEFAULT_MEMPOOL, mempoolOf } from '../../../services/config/index.js';
import { createSigner, generateSeed } from '../../../services/crypto/index.js';
import { executeBlock, RejectCode } from '../../../services/execution/index.js';
import { signTx, type Transaction, txCost } from '../../../services/ledger/index.js';
import { Mempool } from '../../../services/mempool/index.js';
import { firstBlock, memoryContext } from '../../support/ledger.js';

const signer = createSigner(generateSeed());

function tx(eventIDs: string[], errorBehaviour: 'rollback' | 'proceed' = 'rollback', submitter = 'erp') {
  const eventList = eventIDs.map((eventID) => ({
    type: 'ObjectEvent',
    eventID,
    eventTime: '2026-01-01T00:00:00Z',
  }));
  return signTx(
    {
      kind: 'capture',
      network: 'n',
      org: 'a',
      submitter,
      errorBehaviour,
      document: { epcisBody: { eventList } },
    },
    signer,
  );
}

const block = (txs: Transaction[]) => firstBlock(txs, 'a', 1_700_000_000_000);

describe('mempool', () => {
  it('deduplicates by transaction id and keeps arrival order', () => {
    const pool = new Mempool({ maxTxs: 10, maxBytes: 1e6 });
    const t1 = tx(['e1']);
    const t2 = tx(['e2']);
    expect(pool.add(t1, 100)).toBe(true);
    expect(pool.add(t1, 100)).toBe(false);
    expect(pool.add(t2, 100)).toBe(true);
    expect(pool.take(10, 1e6).map((t) => t.id)).toEqual([t1.id, t2.id]);
    expect(pool.txOfEvent('e2')?.id).toBe(t2.id);
    pool.remove(t1.id);
    expect(pool.size).toBe(1);
    expect(pool.txOfEvent('e1')).toBeUndefined();
  });

  it('queues a second capture of a pending eventID; the block accepts the first, rejects the other', () => {
    const pool = new Mempool({ maxTxs: 10, maxBytes: 1e6 });
    const first = tx(['e1']);
    const again = tx(['e1'], 'rollback', 'other');
    expect(pool.add(first, 100)).toBe(true);
    expect(pool.add(again, 100)).toBe(true);
    expect(pool.txOfEvent('e1')?.id).toBe(first.id);
    const txs = pool.take(10, 1e6);
    expect(txs.map((t) => t.id)).toEqual([first.id, again.id]);
    const { results } = executeBlock(block(txs), memoryContext());
    expect(results.map((r) => r.success)).toEqual([true, false]);
    expect(results[1]?.errors[0]?.code).toBe(RejectCode.DuplicateEventId);
    pool.remove(first.id);
    expect(pool.txOfEvent('e1')?.id).toBe(again.id);
    pool.remove(again.id);
    expect(pool.txOfEvent('e1')).toBeUndefined();
  });

  it('lets an error declaration wait beside the event it corrects (same eventID)', () => {
    const pool = new Mempool({ maxTxs: 10, maxBytes: 1e6 });
    const original = tx(['e1']);
    const declaration = signTx(
      {
        kind: 'capture',
        network: 'n',
        org: 'a',
        submitter: 'erp',
        errorBehaviour: 'rollback',
        document: {
          epcisBody: {
            eventList: [
              {
                type: 'ObjectEvent',
                eventID: 'e1',
                eventTime: '2026-01-01T00:00:00Z',
                errorDeclaration: { declarationTime: '2026-01-02T00:00:00Z' },
              },
            ],
          },
        },
      },
      signer,
    );
    expect(pool.add(original, 100)).toBe(true);
    expect(pool.add(declaration, 100)).toBe(true);
    expect(pool.txOfEvent('e1')?.id).toBe(original.id);
  });

  it('pushes back with MEMPOOL_FULL when bounded by count or bytes', () => {
    const pool = new Mempool({ maxTxs: 1, maxBytes: 150 });
    pool.add(tx(['x']), 100);
    const err = (() => {
      try {
        pool.add(tx(['y']), 10);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(WaybillError);
    expect((err as WaybillError).code).toBe(ErrorCode.MempoolFull);
    expect(statusOf(err as WaybillError)).toBe(429);
  });

  it('bounds the backlog by cost: own captures up to maxCost, peers up to twice that, anything when empty', () => {
    const pool = new Mempool({ maxTxs: 100, maxBytes: 1e6, maxCost: 10 });
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as WaybillError;
      }
      throw new Error('not refused');
    };
    pool.add(tx(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']), 10, 0, 'own'); // 12 on its own: admitted
    expect(refusal(() => pool.add(tx(['l']), 10, 0, 'own')).code).toBe(ErrorCode.MempoolFull);
    pool.add(tx(['m', 'n', 'o']), 10, 0, 'peer'); // 12 + 4 <= 20
    expect(refusal(() => pool.add(tx(['p', 'q', 'r', 's']), 10, 0, 'peer')).meta).toEqual({
      retryAfterSeconds: 1,
    });
    expect(pool.totalCost).toBe(16);
  });

  it('bounds own captures by seconds of the recent commit rate once it is known, between minCost and maxCost', () => {
    const limits = { maxTxs: 1_000, maxBytes: 1e8, maxCost: 1_000, backlogSeconds: 3 };
    const pool = new Mempool({ ...limits, minCost: 1 });
    const refused = (f: () => unknown) => {
      try {
        f();
        return false;
      } catch (e) {
        expect((e as WaybillError).code).toBe(ErrorCode.MempoolFull);
        return true;
      }
    };
    // No commit rate yet: maxCost is the bound.
    expect(pool.ownBound(0)).toBe(1_000);
    let n = 0;
    for (let i = 0; i < 20; i++) pool.add(tx([`e${n++}`]), 10, 0, 'own'); // cost 2 each
    // Ten seconds in which one transaction (cost 2) commits a second and a peer's arrives.
    for (let s = 1; s <= 10; s++) {
      for (const t of pool.take(1, 1e8)) pool.remove(t.id);
      pool.add(tx([`p${n++}`]), 10, s * 1_000, 'peer');
    }
    expect(pool.totalCost).toBe(40);
    expect(pool.ownBound(10_000)).toBe(6); // three seconds of 2 a second
    // The backlog is past it: a new capture is refused before its intake (admit) and when added.
    expect(refused(() => pool.admit(2, 10_000))).toBe(true);
    expect(refused(() => pool.add(tx([`e${n++}`]), 10, 10_000, 'own'))).toBe(true);
    // Peers' transactions still count against twice maxCost only.
    expect(pool.add(tx([`p${n++}`]), 10, 10_000, 'peer')).toBe(true);

    // Never under minCost, never over maxCost.
    const floor = new Mempool({ ...limits, minCost: 50 });
    const cap = new Mempool({ ...limits, maxCost: 5, minCost: 1, backlogSeconds: 100 });
    for (const pool2 of [floor, cap]) {
      pool2.add(tx([`f${n++}`]), 10, 0, 'own');
      for (let s = 1; s <= 3; s++) {
        for (const t of pool2.take(1, 1e8)) pool2.remove(t.id);
        pool2.add(tx([`f${n++}`]), 10, s * 1_000, 'peer');
      }
    }
    expect(floor.ownBound(3_000)).toBe(50);
    expect(cap.ownBound(3_000)).toBe(5);
  });

  it('admits any capture while the commit rate is unknown and the backlog is under maxCost', () => {
    const pool = new Mempool({ maxTxs: 100, maxBytes: 1e8, maxCost: 10, backlogSeconds: 2, minCost: 1 });
    pool.admit(100, 0); // empty: anything
    pool.add(tx(['a', 'b', 'c']), 10, 0, 'own'); // cost 4
    expect(() => pool.admit(6, 0)).not.toThrow();
    expect(() => pool.admit(7, 0)).toThrow(WaybillError);
  });

  it('takes only what fits the block limits', () => {
    const pool = new Mempool({ maxTxs: 10, maxBytes: 1e6 });
    for (const id of ['a', 'b', 'c']) pool.add(tx([id]), 100);
    expect(pool.take(2, 1e6)).toHaveLength(2);
    expect(pool.take(10, 250)).toHaveLength(2);
    expect(pool.take(10, 10)).toHaveLength(1);
  });

  it('costs a transaction by its events and identifiers, and takes only what fits the cost limit', () => {
    const withEpcs = signTx(
      {
        kind: 'capture',
        network: 'n',
        org: 'a',
        submitter: 'erp',
        errorBehaviour: 'rollback',
        document: {
          epcisBody: {
            eventList: [
              { type: 'ObjectEvent', eventID: 'e1', epcList: ['x:1', 'x:2'], parentID: 'x:p' },
              { type: 'TransformationEvent', eventID: 'e2', inputEPCList: ['x:3'], outputQuantityList: [{}] },
            ],
          },
        },
      },
      signer,
    );
    // 1 for the transaction, 1 + 3 for the first event, 1 + 2 for the second.
    expect(txCost(withEpcs)).toBe(8);
    expect(txCost(tx(['a', 'b']))).toBe(3);
    const pool = new Mempool({ maxTxs: 10, maxBytes: 1e6 });
    pool.add(tx(['a', 'b']), 10); // cost 3
    pool.add(withEpcs, 10); // cost 8
    pool.add(tx(['c']), 10); // cost 2
    expect(pool.totalCost).toBe(13);
    expect(pool.take(10, 1e6, 11)).toHaveLength(2);
    expect(pool.take(10, 1e6, 10)).toHaveLength(1); // oldest first: the second does not fit
    expect(pool.take(10, 1e6, 1)).toHaveLength(1); // the first always fits
    pool.remove(withEpcs.id);
    expect(pool.totalCost).toBe(5);
  });
});

describe('block execution', () => {
  const none = memoryContext();

  it('accepts new events and stamps recordTime with the block time', () => {
    const [r] = executeBlock(block([tx(['e1', 'e2'])]), none).results;
    expect(r?.success).toBe(true);
    expect(r?.accepted.map((e) => e.recordTime)).toEqual([
      '2023-11-14T22:13:20.000Z',
      '2023-11-14T22:13:20.000Z',
    ]);
  });

  it('rejects a duplicate eventID, and rolls back the whole document under rollback', () => {
    const [r] = executeBlock(
      block([tx(['old', 'new'])]),
      memoryContext({ hasEvent: (id) => id === 'old' }),
    ).results;
    expect(r?.success).toBe(false);
    expect(r?.accepted).toHaveLength(0);
    expect(r?.errors.map((e) => e.code)).toEqual([RejectCode.DuplicateEventId, RejectCode.RolledBack]);
  });

  it('applies the valid events under proceed, including duplicates inside one block', () => {
    const results = executeBlock(
      block([tx(['a', 'b'], 'proceed'), tx(['b', 'c', 'c'], 'proceed')]),
      none,
    ).results;
    expect(results[0]?.accepted.map((e) => e.eventID)).toEqual(['a', 'b']);
    expect(results[1]?.accepted.map((e) => e.eventID)).toEqual(['c']);
    expect(results[1]?.errors.map((e) => [e.eventID, e.code])).toEqual([
      ['b', RejectCode.DuplicateEventId],
      ['c', RejectCode.DuplicateEventId],
    ]);
  });
});

describe('evidence transactions', () => {
  const none = memoryContext();
  const evidence = (round: number) => ({
    kind: 'duplicate_vote',
    member: 'b',
    height: 3,
    round,
    first: { type: 'prevote', height: 3, round, blockHash: 'aa', voter: 'b', signature: '01' },
    second: { type: 'prevote', height: 3, round, blockHash: null, voter: 'b', signature: '02' },
  });
  const report = (by: string, round = 0) =>
    signTx({ kind: 'evidence', network: 'n', org: by, evidence: evidence(round) }, signer);

  it('records the first report of an equivocation and refuses repeats, in a block and across blocks', () => {
    const results = executeBlock(block([report('a'), report('c'), report('a', 1)]), none).results;
    expect(results.map((r) => r.success)).toEqual([true, false, true]);
    expect(results[1]?.errors[0]?.code).toBe(RejectCode.DuplicateEvidence);
    expect(results[0]?.evidence).toMatchObject({
      kind: 'duplicate_vote',
      member: 'b',
      height: 3,
      round: 0,
      reportedBy: 'a',
    });
    const id = results[0]?.evidence?.id ?? '';
    const [later] = executeBlock(
      block([report('d')]),
      memoryContext({ hasEvidence: (x) => x === id }),
    ).results;
    expect(later?.success).toBe(false);
  });
});

describe('censorship detection inputs', () => {
  it('lists transactions waiting since a time, oldest first', () => {
    const pool = new Mempool({ maxTxs: 10, maxBytes: 1e6 });
    const [t1, t2, t3] = [tx(['p']), tx(['q']), tx(['r'])];
    if (!t1 || !t2 || !t3) throw new Error('no tx');
    pool.add(t1, 10, 100);
    pool.add(t2, 10, 200);
    pool.add(t3, 10, 300);
    expect([...pool.waitingSince(200)].map((t) => t.id)).toEqual([t1.id, t2.id]);
    expect([...pool.waitingSince(50)]).toEqual([]);
  });
});

describe('node.json mempool', () => {
  it('is checked when it is loaded: positive numbers of known fields, defaults for the rest', () => {
    expect(mempoolOf(undefined, 'node.json')).toEqual(DEFAULT_MEMPOOL);
    expect(mempoolOf({ backlogSeconds: 1.5 }, 'node.json')).toEqual({
      ...DEFAULT_MEMPOOL,
      backlogSeconds: 1.5,
    });
    for (const bad of [5, [], { backlogSeconds: 0 }, { minCost: -1 }, { maxCost: '9' }, { backlog: 3 }]) {
      expect(() => mempoolOf(bad, 'node.json'), JSON.stringify(bad)).toThrow(/mempool/);
    }
    // Counts are whole numbers; only the backlog's seconds may be fractional.
    for (const key of ['maxTxs', 'maxBytes', 'maxCost', 'minCost']) {
      expect(() => mempoolOf({ [key]: 2.5 }, 'node.json'), key).toThrow(
        new RegExp(`${key} must be a whole number`),
      );
      expect(() => mempoolOf({ [key]: 1e300 }, 'node.json'), key).toThrow(/whole number/);
      expect(mempoolOf({ [key]: 7 }, 'node.json')[key as 'maxTxs']).toBe(7);
    }
  });
});
