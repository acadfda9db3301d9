import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BalanceKey, MemoryCustodyState, type ObjectState } from '../../../services/contracts/index.js';
import { CommittedReads } from '../../../services/execution/committed-reads.js';
import { commission, epc, PARTY, receive, ship } from '../../contracts/helpers.js';
import { Chain } from '../../ledger/chain.js';

const object = (id: string): ObjectState => ({
  id,
  owner: 'farm',
  custodian: 'farm',
  status: 'active',
  flags: [],
  lastEventID: 'e',
  commissioner: 'farm',
});

/** A committed state that counts how often it is read. */
class CountingState extends MemoryCustodyState {
  objectReads = 0;
  balanceReads = 0;
  override getObject(id: string) {
    this.objectReads++;
    return super.getObject(id);
  }
  override getBalance(key: BalanceKey) {
    this.balanceReads++;
    return super.getBalance(key);
  }
}

describe('committed reads of one block', () => {
  it('reads each object and balance from the committed state once, misses included', () => {
    const committed = new CountingState();
    committed.putObject(object('a'));
    const key = { epcClass: 'c', uom: 'KGM', holder: 'farm' };
    committed.setBalance(key, 4);
    const reads = new CommittedReads(committed);
    expect(reads.getObject('a')).toEqual(object('a'));
    expect(reads.getObject('a')).toEqual(object('a'));
    expect(reads.getObject('missing')).toBeUndefined();
    expect(reads.getObject('missing')).toBeUndefined();
    expect(committed.objectReads).toBe(2);
    expect(reads.getBalance(key)).toBe(4);
    expect(reads.getBalance({ ...key })).toBe(4);
    expect(reads.getBalance({ ...key, holder: 'packer' })).toBe(0);
    expect(committed.balanceReads).toBe(2);
    expect(() => reads.putObject()).toThrow(/read-only/);
  });

  it('lets the block overlay above it win: writes earlier in the block are seen later in it', () => {
    const committed = new CountingState();
    const block = new MemoryCustodyState(new CommittedReads(committed));
    expect(block.getObject('a')).toBeUndefined(); // a miss, now remembered below the overlay
    block.putObject(object('a'));
    expect(block.getObject('a')).toEqual(object('a'));
  });

  describe('on committed blocks', () => {
    let chain: Chain;
    beforeEach(() => {
      chain = new Chain();
    });
    afterEach(() => chain.close());

    it('sees an object a previous document of the same block commissioned, and the next block sees the result', () => {
      const made = chain.capture('farm', [commission([epc(1)])]);
      const shipped = chain.capture('farm', [ship([epc(1)], PARTY.packer)]);
      chain.commit(made, shipped);
      expect(chain.result(shipped).success).toBe(true);
      const received = chain.capture('packer', [receive([epc(1)])]);
      chain.commit(received);
      expect(chain.result(received).success).toBe(true);
      expect(chain.app.object(epc(1))).toMatchObject({ custodian: 'packer', status: 'active' });
    });
  });
});
