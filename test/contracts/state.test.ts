import { describe, expect, it } from 'vitest';
import { idKey, MemoryCustodyState, type ObjectState, stateRoot } from '../../services/contracts/index.js';
import { EMPTY_STATE_ROOT } from '../../services/contracts/state-tree.js';
import { dl, epc, LOT, LOT_DL } from './helpers.js';

const object = (id: string, owner = 'farm'): ObjectState => ({
  id,
  owner,
  custodian: owner,
  status: 'active',
  flags: [],
  lastEventID: 'urn:uuid:x',
  commissioner: owner,
});

describe('identifiers', () => {
  it('EPC URIs and Digital Link URIs of one object share one key', () => {
    expect(idKey(epc(2017))).toBe(dl(2017));
    expect(idKey('https://example.com/01/10614141073464/21/2017?x=1')).toBe(dl(2017));
    expect(idKey(LOT)).toBe(LOT_DL);
    expect(idKey('urn:example:thing:1')).toBe('urn:example:thing:1');
  });
});

describe('MemoryCustodyState', () => {
  it('an overlay reads through, keeps its writes until commit, and can be dropped', () => {
    const base = new MemoryCustodyState();
    base.putObject(object('a'));
    const overlay = base.fork();
    overlay.putObject(object('b'));
    overlay.setBalance({ epcClass: 'c', uom: 'KGM', holder: 'farm' }, 5);
    overlay.addAlert({ type: 'temperature_excursion', object: 'a', eventID: 'e', value: 9, min: 2, max: 8 });
    expect(overlay.getObject('a')?.id).toBe('a');
    expect(base.getObject('b')).toBeUndefined();
    expect(base.alertCount()).toBe(0);
    const dropped = base.fork();
    dropped.putObject(object('z'));
    overlay.commit();
    expect(base.getObject('b')?.id).toBe('b');
    expect(base.getObject('z')).toBeUndefined();
    expect(base.getBalance({ epcClass: 'c', uom: 'KGM', holder: 'farm' })).toBe(5);
    expect([...base.alerts()].map((a) => a.seq)).toEqual([0]);
  });

  it('a zero balance disappears from the state', () => {
    const base = new MemoryCustodyState();
    const key = { epcClass: 'c', uom: 'KGM', holder: 'farm' };
    base.setBalance(key, 3);
    const overlay = base.fork();
    overlay.setBalance(key, 0);
    expect(overlay.getBalance(key)).toBe(0);
    expect([...overlay.balances()]).toEqual([]);
    overlay.commit();
    expect([...base.balances()]).toEqual([]);
  });
});

describe('stateRoot', () => {
  it('is the empty root for an empty state', () => {
    expect(stateRoot(new MemoryCustodyState())).toBe(EMPTY_STATE_ROOT);
  });

  it('does not depend on insertion order, and changes with any field', () => {
    const a = new MemoryCustodyState();
    a.putObject(object('x'));
    a.putObject(object('y'));
    const b = new MemoryCustodyState();
    b.putObject(object('y'));
    const overlay = b.fork();
    overlay.putObject(object('x'));
    expect(stateRoot(overlay)).toBe(stateRoot(a));
    overlay.commit();
    expect(stateRoot(b)).toBe(stateRoot(a));
    b.putObject(object('y', 'packer'));
    expect(stateRoot(b)).not.toBe(stateRoot(a));
  });
});
