import { describe, expect, it } from 'vitest';
import { SEALED_ELSEWHERE, servedEvent } from '../../../services/storage/served-event.js';

// A sealed network's event as the node serves it (docs/privacy.md): whole with the paths of its
// sealed fields where this node holds them, the public view saying where the rest is elsewhere.
describe('servedEvent', () => {
  const ref = { root: 'ab'.repeat(32), group: 0 };
  const whole = {
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: '2026-06-01T06:00:00.000Z',
    epcList: ['urn:epc:id:sgtin:0614141.107346.1'],
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO-7' }],
    ilmd: { 'waybill:minTemperature': 0, 'example:lot': 'L1' },
    'example:price': 12,
  };
  const view = {
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: '2026-06-01T06:00:00.000Z',
    epcList: ['urn:epc:id:sgtin:0614141.107346.1'],
    ilmd: { 'waybill:minTemperature': 0 },
    'wb:sealed': ref,
  };
  const row = { body: JSON.stringify(view), record_time: 0, declaration: null };

  it('serves the whole event with the paths of its sealed fields where it holds them', () => {
    const event = servedEvent({ ...row, sealed: JSON.stringify(whole) });
    expect(event.bizTransactionList).toEqual(whole.bizTransactionList);
    expect(event['wb:sealed']).toEqual({
      ...ref,
      held: true,
      fields: ['bizTransactionList/0', 'example:price', 'ilmd/example:lot'],
    });
  });

  it('serves the public view elsewhere, naming no sealed field', () => {
    const event = servedEvent({ ...row, sealed: null });
    expect(event.bizTransactionList).toBeUndefined();
    expect(event['wb:sealed']).toEqual({ ...ref, held: false, note: SEALED_ELSEWHERE });
  });

  it('serves an open network’s event as captured', () => {
    const event = servedEvent({ body: JSON.stringify(whole), record_time: 0, declaration: null });
    expect(event['wb:sealed']).toBeUndefined();
    expect(event.recordTime).toBe('1970-01-01T00:00:00.000Z');
  });
});
