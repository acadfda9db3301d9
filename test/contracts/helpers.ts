import { defaultContractsDir } from '../../services/config/index.js';
import {
  createEngine,
  type EvalContext,
  loadRuleSet,
  type Member,
  MemoryCustodyState,
  type RuleSet,
} from '../../services/contracts/index.js';

export const RULES_DIR = defaultContractsDir();

let cached: RuleSet | undefined;
export function ruleSet(): RuleSet {
  cached ??= loadRuleSet(RULES_DIR);
  return cached;
}

/** Three members; the outsider's party and site belong to nobody in the consortium. */
export const MEMBERS: Member[] = [
  { id: 'farm', parties: ['urn:epc:id:pgln:0614141.00001'], locations: ['urn:epc:id:sgln:0614141.00001.0'] },
  {
    id: 'packer',
    parties: ['urn:epc:id:pgln:0614141.00002'],
    locations: ['urn:epc:id:sgln:0614141.00002.0'],
  },
  {
    id: 'retail',
    parties: ['urn:epc:id:pgln:0614141.00003'],
    locations: ['urn:epc:id:sgln:0614141.00003.0'],
  },
];
export const PARTY = {
  farm: 'urn:epc:id:pgln:0614141.00001',
  packer: 'urn:epc:id:pgln:0614141.00002',
  retail: 'urn:epc:id:pgln:0614141.00003',
  outsider: 'urn:epc:id:pgln:0614141.00009',
};
export const SITE = {
  farm: 'urn:epc:id:sgln:0614141.00001.0',
  packer: 'urn:epc:id:sgln:0614141.00002.0',
  retail: 'urn:epc:id:sgln:0614141.00003.0',
};

/** Serialised items: EPC URI, and the same item as a GS1 Digital Link URI. */
export const epc = (serial: number | string) => `urn:epc:id:sgtin:0614141.107346.${serial}`;
export const dl = (serial: number | string) => `https://id.gs1.org/01/10614141073464/21/${serial}`;
export const sscc = (n: number) => `urn:epc:id:sscc:0614141.${String(1_000_000_000 + n)}`;
export const LOT = 'urn:epc:class:lgtin:0614141.107346.LOT1';
export const LOT_DL = 'https://id.gs1.org/01/10614141073464/10/LOT1';

let counter = 0;
export type Ev = Record<string, unknown>;

function base(type: string, fields: Ev): Ev {
  counter += 1;
  return {
    type,
    eventTime: '2026-05-01T10:00:00Z',
    eventTimeZoneOffset: '+00:00',
    eventID: `urn:uuid:00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    ...fields,
  };
}

export const objectEvent = (fields: Ev) => base('ObjectEvent', fields);
export const aggregationEvent = (fields: Ev) => base('AggregationEvent', fields);
export const transformationEvent = (fields: Ev) => base('TransformationEvent', fields);

export const commission = (epcList: string[], extra: Ev = {}) =>
  objectEvent({ epcList, action: 'ADD', bizStep: 'commissioning', disposition: 'active', ...extra });
export const commissionLot = (quantity: number, extra: Ev = {}) =>
  objectEvent({
    epcList: [],
    quantityList: [{ epcClass: LOT, quantity, uom: 'KGM' }],
    action: 'ADD',
    bizStep: 'commissioning',
    ...extra,
  });
export const ship = (epcList: string[], to: string, extra: Ev = {}) =>
  objectEvent({
    epcList,
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    destinationList: [{ type: 'possessing_party', destination: to }],
    ...extra,
  });
export const receive = (epcList: string[], extra: Ev = {}) =>
  objectEvent({ epcList, action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress', ...extra });

/** A fresh engine and state with helpers that run events as one org at increasing heights. */
export function harness() {
  const engine = createEngine(ruleSet(), MEMBERS);
  const state = new MemoryCustodyState();
  let height = 0;
  const ctx = (org: string): EvalContext => {
    height += 1;
    return { org, height, timestamp: 1_777_000_000_000 + height * 1000 };
  };
  const run = (org: string, event: Ev) => engine.process(event, ctx(org), state);
  /** Runs and insists on acceptance. */
  const ok = (org: string, event: Ev) => {
    const verdict = run(org, event);
    if (!verdict.accepted) throw new Error(`expected acceptance, got ${verdict.code}: ${verdict.message}`);
    return verdict;
  };
  const code = (org: string, event: Ev) => {
    const verdict = run(org, event);
    return verdict.accepted ? 'ACCEPTED' : verdict.code;
  };
  return { engine, state, run, ok, code, ctx };
}
