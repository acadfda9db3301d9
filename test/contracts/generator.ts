import { Prng } from '../../services/consensus/sim/prng.js';
import {
  aggregationEvent,
  commission,
  commissionLot,
  dl,
  type Ev,
  epc,
  LOT,
  objectEvent,
  PARTY,
  receive,
  SITE,
  ship,
  sscc,
  transformationEvent,
} from './helpers.js';

/** The simulator's seeded PRNG, with the exclusive upper bound this generator reads best with. */
export function prng(seed: number) {
  const p = new Prng(seed);
  return {
    next: () => p.next(),
    int: (n: number) => p.int(0, n - 1),
    pick: <T>(list: readonly T[]) => p.pick(list),
  };
}

const ORGS = ['farm', 'packer', 'retail'] as const;

export interface Step {
  org: string;
  event: Ev;
}

/** A random mix of valid and invalid custody events over a small pool of objects. */
export function randomStream(seed: number, length: number, pool = 24): Step[] {
  const r = prng(seed);
  const item = () => {
    const n = r.int(pool);
    return r.next() < 0.5 ? epc(n) : dl(n);
  };
  const items = () => Array.from({ length: 1 + r.int(3) }, item);
  const party = () => r.pick([PARTY.farm, PARTY.packer, PARTY.retail, PARTY.retail, PARTY.outsider]);
  const lot = () => ({
    quantityList: [{ epcClass: LOT, quantity: 1 + r.int(40) + r.pick([0, 0.5, 0.25]), uom: 'KGM' }],
  });
  const makers: Array<() => Ev> = [
    () =>
      commission(
        items(),
        r.next() < 0.3 ? { ilmd: { 'waybill:minTemperature': 2, 'waybill:maxTemperature': 8 } } : {},
      ),
    () => commissionLot(10 + r.int(100)),
    () => ship(items(), party(), r.next() < 0.2 ? lot() : {}),
    () => ship([], party(), lot()),
    () => receive(items()),
    () => receive([], lot()),
    () => receive(items(), { sourceList: [{ type: 'possessing_party', source: PARTY.outsider }] }),
    () => receive(items(), { destinationList: [{ type: 'owning_party', destination: party() }] }),
    () =>
      aggregationEvent({
        parentID: sscc(r.int(4)),
        childEPCs: r.next() < 0.6 ? [item()] : items(),
        action: 'ADD',
        bizStep: 'packing',
      }),
    () =>
      aggregationEvent({
        parentID: sscc(r.int(4)),
        childEPCs: r.next() < 0.5 ? [] : items(),
        action: 'DELETE',
      }),
    () => ship([sscc(r.int(4))], party()),
    () => receive([sscc(r.int(4))]),
    () =>
      transformationEvent({
        inputEPCList: r.next() < 0.6 ? [item()] : items(),
        outputEPCList: [r.next() < 0.7 ? epc(pool + r.int(5000)) : item()],
      }),
    () =>
      objectEvent({ epcList: items(), action: 'DELETE', bizStep: r.pick(['decommissioning', 'destroying']) }),
    () => objectEvent({ epcList: items(), action: 'OBSERVE', disposition: 'recalled' }),
    () =>
      objectEvent({
        epcList: items(),
        action: 'OBSERVE',
        bizStep: 'sensor_reporting',
        sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: r.int(120) / 10, uom: 'CEL' }] }],
      }),
    () =>
      objectEvent({
        epcList: items(),
        action: 'OBSERVE',
        bizStep: 'storing',
        bizLocation: { id: r.pick(Object.values(SITE)) },
      }),
  ];
  return Array.from({ length }, () => ({ org: r.pick(ORGS), event: r.pick(makers)() }));
}
