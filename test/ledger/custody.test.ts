import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../services/common/index.js';
import { stateRoot } from '../../services/contracts/index.js';
import { RejectCode, resultsRootOf } from '../../services/execution/index.js';
import { eventsOf, headerHash } from '../../services/ledger/index.js';
import { commission, dl, epc, objectEvent, PARTY, receive, ship } from '../contracts/helpers.js';
import { Chain, documentOf } from './chain.js';

describe('custody contracts on committed blocks', () => {
  let chain: Chain;
  beforeEach(() => {
    chain = new Chain();
  });
  afterEach(() => chain.close());

  it('moves custody through commission, ship and receive, readable by EPC or Digital Link', () => {
    chain.commit(chain.capture('farm', [commission([epc(1)])]));
    expect(chain.app.object(epc(1))).toMatchObject({ owner: 'farm', custodian: 'farm', status: 'active' });
    chain.commit(chain.capture('farm', [ship([epc(1)], PARTY.packer)]));
    expect(chain.app.object(dl(1))).toMatchObject({
      status: 'in_transit',
      consignee: 'packer',
      custodian: 'farm',
    });
    const received = chain.capture('packer', [receive([epc(1)])]);
    chain.commit(received);
    expect(chain.result(received).success).toBe(true);
    expect(chain.app.object(epc(1))).toMatchObject({ custodian: 'packer', status: 'active', owner: 'farm' });
    expect(chain.app.object(epc(999))).toBeUndefined();
  });

  it('rejects with the rule code, visible in the capture job and the event status', () => {
    chain.commit(chain.capture('farm', [commission([epc(2)])]));
    const theft = chain.capture('packer', [ship([epc(2)], PARTY.retail)]);
    chain.commit(theft);
    const job = chain.result(theft);
    expect(job.success).toBe(false);
    expect(job.errors).toEqual([
      expect.objectContaining({ code: 'CUSTODY_NOT_HELD', message: expect.stringContaining('custodian') }),
    ]);
    const eventID = eventsOf(theft)[0]?.eventID as string;
    expect(chain.store.lastRejection(eventID)).toMatchObject({ code: 'CUSTODY_NOT_HELD' });
    expect(chain.store.getEvent(eventID)).toBeUndefined();
    expect(chain.app.object(epc(2))).toMatchObject({ custodian: 'farm', status: 'active' });
  });

  it('applies a rollback document all or nothing and a proceed document event by event', () => {
    const rollback = chain.capture('farm', [
      commission([epc(3)]),
      ship([epc(3)], 'urn:epc:id:pgln:9999999.00001'),
    ]);
    chain.commit(rollback);
    expect(chain.codes(rollback)).toEqual([RejectCode.RolledBack, 'UNKNOWN_PARTY']);
    expect(chain.app.object(epc(3))).toBeUndefined();
    const proceed = chain.capture(
      'farm',
      [commission([epc(3)]), ship([epc(3)], 'urn:epc:id:pgln:9999999.00001')],
      'proceed',
    );
    chain.commit(proceed);
    expect(chain.codes(proceed)).toEqual(['UNKNOWN_PARTY']);
    expect(chain.app.object(epc(3))).toMatchObject({ status: 'active', custodian: 'farm' });
  });

  it('lets events of one document see each other, in order', () => {
    const doc = chain.capture('farm', [commission([epc(4)]), ship([epc(4)], PARTY.packer)]);
    chain.commit(doc);
    expect(chain.result(doc).success).toBe(true);
    expect(chain.app.object(epc(4))).toMatchObject({ status: 'in_transit', consignee: 'packer' });
  });

  it('carries each block’s state root, verdict root and rule-set hash in the next header', () => {
    const first = chain.commit(chain.capture('farm', [commission([epc(5)])]));
    const second = chain.commit();
    const roots = chain.store.blockRoots(first.header.height);
    expect(roots?.stateRoot).toBe(stateRoot(chain.store.custody));
    expect(second.header).toMatchObject({
      parentStateRoot: roots?.stateRoot,
      parentResultsRoot: roots?.resultsRoot,
      rulesHash: first.header.rulesHash,
    });
    expect(roots?.stateRoot).not.toBe(first.header.parentStateRoot);
  });

  it('votes against a block with a wrong root and halts when a committed block disagrees with its state', () => {
    chain.commit(chain.capture('farm', [commission([epc(6)])]));
    const tip = chain.store.tip();
    const block = chain.app.buildBlock(tip.height + 1, 0, tip.hash, tip.timestamp + 1, tip.timestamp + 10);
    const forged = { ...block, header: { ...block.header, parentStateRoot: '00'.repeat(32) } };
    expect(chain.app.validateBlock(forged)).toBe(false);
    expect(
      chain.app.validateBlock({ ...block, header: { ...block.header, rulesHash: '11'.repeat(32) } }),
    ).toBe(false);
    expect(() => chain.commitBlock(forged)).toThrow(
      expect.objectContaining({ code: ErrorCode.StateDiverged }),
    );
    expect(chain.store.tip().height).toBe(tip.height);
  });

  it('records an error declaration by the capturing org only, once', () => {
    const original = commission([epc(7)]);
    chain.commit(chain.capture('farm', [original]));
    const declaration = {
      ...original,
      errorDeclaration: { declarationTime: '2026-05-02T10:00:00Z', reason: 'incorrect_data' },
    };
    const foreign = chain.capture('packer', [declaration]);
    const unknown = chain.capture('farm', [
      { ...declaration, eventID: 'urn:uuid:00000000-0000-4000-8000-999999999999' },
    ]);
    chain.commit(foreign, unknown);
    expect(chain.codes(foreign)).toEqual([RejectCode.NotOriginalSubmitter]);
    expect(chain.codes(unknown)).toEqual([RejectCode.UnknownEvent]);
    const own = chain.capture('farm', [declaration]);
    chain.commit(own);
    expect(chain.result(own).success).toBe(true);
    expect(chain.store.getEvent(original.eventID as string)?.event.errorDeclaration).toMatchObject({
      reason: 'incorrect_data',
    });
    const again = chain.capture('farm', [
      { ...declaration, errorDeclaration: { declarationTime: '2026-05-03T10:00:00Z' } },
    ]);
    chain.commit(again);
    expect(chain.codes(again)).toEqual([RejectCode.AlreadyDeclared]);
  });

  it('records a cold-chain alert and flags the goods when a reading leaves their declared range', () => {
    chain.commit(
      chain.capture('farm', [
        commission([epc(9)], { ilmd: { 'waybill:minTemperature': 0, 'waybill:maxTemperature': 5 } }),
      ]),
    );
    const reading = objectEvent({
      epcList: [epc(9)],
      action: 'OBSERVE',
      bizStep: 'sensor_reporting',
      sensorElementList: [{ sensorReport: [{ type: 'gs1:Temperature', value: 9.5, uom: 'CEL' }] }],
    });
    chain.commit(chain.capture('farm', [reading]));
    expect(chain.app.object(epc(9))?.flags).toEqual(['temperature_excursion']);
    expect(chain.store.custody.alertsAfter(-1, 10)).toEqual([
      {
        seq: 0,
        type: 'temperature_excursion',
        object: dl(9),
        eventID: reading.eventID,
        value: 9.5,
        min: 0,
        max: 5,
      },
    ]);
  });

  it('answers a dry run from the committed state without ordering or changing anything', () => {
    chain.commit(chain.capture('farm', [commission([epc(8)])]));
    const before = chain.store.custody.root();
    const ctx = { submitter: 'erp', errorBehaviour: 'proceed' as const };
    const result = chain.app.dryRun(documentOf([ship([epc(8)], PARTY.packer), commission([epc(8)])]), ctx, 0);
    expect(result.verdicts.map((v) => v.code ?? 'ACCEPTED')).toEqual(['ACCEPTED', 'ALREADY_EXISTS']);
    expect(chain.store.custody.root()).toBe(before);
    expect(chain.mempool.size).toBe(0);
    expect(chain.app.object(epc(8))).toMatchObject({ status: 'active' });
  });
});

describe('replay', () => {
  it('rebuilds the state from the stored chain and reproduces every recorded root', () => {
    const chain = new Chain();
    try {
      for (let i = 0; i < 6; i++) {
        chain.commit(
          chain.capture('farm', [commission([epc(100 + i), epc(200 + i)])]),
          chain.capture('packer', [ship([epc(100 + i)], PARTY.retail)]),
        );
        chain.commit(chain.capture('farm', [ship([epc(100 + i)], PARTY.packer)]));
        chain.commit(
          chain.capture('packer', [receive([epc(100 + i)])]),
          chain.capture('retail', [receive([epc(200 + i)])]),
        );
      }
      const top = chain.store.tip().height;
      const replica = new Chain();
      try {
        const fresh = replica.openStore(`${replica.dir}/replay`);
        const replay = chain.appOver(fresh, replica.mempool);
        for (let h = 1; h <= top; h++) {
          const stored = chain.store.getBlock(h);
          if (!stored) throw new Error(`block ${h} missing`);
          expect(headerHash(stored.block.header)).toBe(stored.hash);
          replay.commit(stored.block, stored.hash, stored.certificate);
          expect(fresh.blockRoots(h)).toEqual(chain.store.blockRoots(h));
          expect(resultsRootOf(chain.store.verdictLeaves(h))).toBe(chain.store.blockRoots(h)?.resultsRoot);
        }
        expect(fresh.custody.root()).toBe(chain.store.custody.root());
        expect(stateRoot(fresh.custody)).toBe(fresh.custody.root());
        fresh.close();
      } finally {
        replica.close();
      }
    } finally {
      chain.close();
    }
  });
});
