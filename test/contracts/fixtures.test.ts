import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, idKey, type Member, MemoryCustodyState } from '../../services/contracts/index.js';
import { validateCaptureDocument } from '../../services/epcis/index.js';
import { ruleSet } from './helpers.js';

const FSMA = resolve(import.meta.dirname, '../../../shared/epcis/valid/fsma204');

function events(name: string) {
  const result = validateCaptureDocument(JSON.parse(readFileSync(resolve(FSMA, name), 'utf8')));
  if (!result.ok) throw new Error(`${name} is invalid: ${JSON.stringify(result.errors)}`);
  return result.events;
}

// The sites the FSMA 204 examples name, as three members.
const MEMBERS: Member[] = [
  {
    id: 'grower',
    parties: ['https://id.gs1.org/417/0860009999060'],
    locations: ['https://id.gs1.org/414/0860009999060'],
  },
  { id: 'packer', parties: [], locations: ['https://id.gs1.org/414/0860009999992'] },
  { id: 'distributor', parties: [], locations: ['https://id.gs1.org/414/0860009998001'] },
];

describe('EPCIS 2.0 fixtures (FSMA 204 examples)', () => {
  it('validated documents run through the engine with the expected verdicts', () => {
    const engine = createEngine(ruleSet(), MEMBERS);
    const state = new MemoryCustodyState();
    let height = 0;
    const run = (org: string, name: string) =>
      events(name).map((event) => {
        height += 1;
        const v = engine.process(event, { org, height, timestamp: height * 1000 }, state);
        return v.accepted ? 'ok' : v.code;
      });
    // Lot created by the packer; the transport and receipt of the grower's lot were never shipped
    // on the ledger, so the receipt is refused; the transformation then consumes all 25000.
    expect(run('packer', 'initial-packing-cte.jsonld')).toEqual(['ok', 'ok', 'NOT_IN_TRANSIT', 'ok', 'ok']);
    // A further transformation of that lot finds nothing left; packing the cases into a pallet
    // (SSCC) and shipping it to the distributor's site succeed.
    expect(run('packer', 'shipping-cte.jsonld')).toEqual(['INPUT_NOT_HELD', 'ok', 'ok']);
    const pallet = idKey('https://id.gs1.org/00/008600099999850000');
    expect(state.getObject(pallet)).toMatchObject({ status: 'in_transit', consignee: 'distributor' });
    // Only the distributor may receive it.
    expect(run('grower', 'receiving-cte.jsonld')[1]).toBe('NOT_CONSIGNEE');
  });
});
