import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashOf } from '../../../services/common/encoding.js';
import { blockIsWellFormed } from '../../../services/ledger/index.js';
import { BASE_TIME, type TestEvent, TestLedger } from '../../support/ledger.js';

/**
 * Each captured event is stored once, apart from its transaction's body (storage/tx-body.ts):
 * what peers, proofs and readers get back must still be the signed body and the served event.
 */
const recordTime = (height: number) => new Date(BASE_TIME + height * 1000).toISOString();

const e1: TestEvent = {
  type: 'ObjectEvent',
  eventID: 'urn:uuid:stored-1',
  eventTime: '2026-04-19T10:00:00.000+02:00',
  action: 'OBSERVE',
  epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
  // A recordTime of the client's own is in the signed body; the served event has the block's.
  recordTime: '2000-01-01T00:00:00Z',
  'example:note': { text: 'Frühe Ernte \u2013 "grade A" \\ ✓', values: [1, 2.5, 1e21, null, true] },
};
const e2: TestEvent = {
  type: 'ObjectEvent',
  eventID: 'urn:uuid:stored-2',
  eventTime: '2026-04-19T11:00:00Z',
  action: 'ADD',
  epcList: ['urn:epc:id:sgtin:0614141.107346.2018'],
};
const declaration = { declarationTime: '2026-04-20T09:00:00Z', reason: 'incorrect_data' };

describe('stored events and transaction bodies', () => {
  const ledger = new TestLedger();

  beforeAll(() => {
    // Block 1: e1, e1 again (rejected: duplicate) and e2; an empty document. Block 2: e2 declared
    // erroneous and e1 captured again by another submitter (rejected again).
    ledger.commit({ org: 'a', events: [e1, e1, e2] }, { org: 'b', events: [] });
    ledger.commit({
      org: 'a',
      events: [{ ...e2, errorDeclaration: declaration }, e1],
      submitter: 'a-other',
    });
  });
  afterAll(() => ledger.destroy());

  it('serves a block whose transaction ids match their bodies, with every document event in place', () => {
    for (const height of [1, 2]) {
      const stored = ledger.store.getBlock(height);
      if (!stored) throw new Error(`no block ${height}`);
      expect(blockIsWellFormed(stored.block)).toBe(true);
      for (const tx of stored.block.txs) expect(hashOf(tx.body)).toBe(tx.id);
    }
    const [first, empty] = ledger.store.getBlock(1)?.block.txs ?? [];
    expect(first?.body).toMatchObject({ document: { epcisBody: { eventList: [e1, e1, e2] } } });
    expect(empty?.body).toMatchObject({ document: { epcisBody: { eventList: [] } } });
    const tx = first && ledger.store.getTx(first.id);
    expect(tx?.tx).toEqual(first);
  });

  it('rebuilds the verdict leaves in document order', () => {
    expect(ledger.store.verdictLeaves(1).map((l) => [l.eventID, l.code])).toEqual([
      [e1.eventID, null],
      [e1.eventID, 'DUPLICATE_EVENT_ID'],
      [e2.eventID, null],
    ]);
  });

  it('serves an accepted event with its recordTime and, once declared, its errorDeclaration', () => {
    const served1 = ledger.store.getEvent(e1.eventID);
    expect(JSON.stringify(served1?.event)).toBe(JSON.stringify({ ...e1, recordTime: recordTime(1) }));
    const expected2 = { ...e2, recordTime: recordTime(1), errorDeclaration: declaration };
    const served2 = ledger.store.getEvent(e2.eventID);
    expect(JSON.stringify(served2?.event)).toBe(JSON.stringify(expected2));
    expect(served2?.txId).toBe(ledger.store.getBlock(1)?.block.txs[0]?.id);
    expect(served2?.height).toBe(1);
    const page = ledger.store.index.reader.events({
      filter: { eventID: [e2.eventID] },
      orderBy: 'ledger',
      descending: false,
      limit: 10,
    });
    expect(page.events).toEqual([expected2]);
    expect(ledger.store.eventOrigin(e2.eventID)).toEqual({ org: 'a', declared: true });
    expect(ledger.store.eventOrigin(e1.eventID)).toEqual({ org: 'a', declared: false });
  });

  it('keeps all of it across a reopen', () => {
    const before = [ledger.store.getBlock(1), ledger.store.getBlock(2), ledger.store.getEvent(e2.eventID)];
    ledger.reopen();
    expect([ledger.store.getBlock(1), ledger.store.getBlock(2), ledger.store.getEvent(e2.eventID)]).toEqual(
      before,
    );
  });
});
