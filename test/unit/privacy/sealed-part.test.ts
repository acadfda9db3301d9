import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalText } from '../../../services/common/index.js';
import { mergeSealed, publicView, sealedPartOf, tierContext } from '../../../services/privacy/index.js';
import { exampleEvents } from '../../fuzz/corpus.js';
import { MARKERS, markedShipment } from '../../support/sealed.js';

// The ciphertext carries only what an event's public view does not show (docs/privacy.md): the
// recipient rebuilds the event as captured from the committed view and that part, exactly.

const members = [
  { id: 'org-a', parties: ['urn:epc:id:pgln:0614141.00000'], locations: ['urn:epc:id:sgln:0614141.00001.0'] },
  { id: 'org-b', parties: ['urn:epc:id:pgln:0614142.00000'], locations: ['urn:epc:id:sgln:0614142.00001.0'] },
];
const tiers = tierContext(members, ['waybill:minTemperature', 'waybill:maxTemperature']);

const roundTrip = (event: Record<string, unknown>) => {
  const view = publicView(event, tiers);
  const part = sealedPartOf(event, view);
  return { view, part, rebuilt: mergeSealed(view, part) };
};

describe('the sealed part of an event', () => {
  it('holds the sealed fields and nothing the public view shows', () => {
    const event = markedShipment();
    const { view, part, rebuilt } = roundTrip(event);
    expect(rebuilt).toEqual(event);
    const text = JSON.stringify(part);
    for (const marker of Object.values(MARKERS)) expect(text).toContain(marker);
    // The view's identifiers, times and member parties are not repeated.
    for (const shown of [view.eventID, view.eventTime, ...(view.epcList as string[])])
      expect(text).not.toContain(shown as string);
    expect(text).not.toContain('urn:epc:id:pgln:0614142.00000');
    expect(text.length).toBeLessThan(JSON.stringify(event).length / 2);
  });

  it('is empty for an event whose view is the whole event', () => {
    const commissioning = {
      type: 'ObjectEvent',
      eventID: 'urn:uuid:6f1d2c1e-0000-4000-8000-000000000002',
      eventTime: '2026-06-01T08:00:00.000Z',
      eventTimeZoneOffset: '+00:00',
      action: 'ADD',
      bizStep: 'commissioning',
      epcList: ['urn:epc:id:sgtin:0614141.107346.2018'],
      readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    };
    expect(roundTrip(commissioning)).toMatchObject({ part: {}, rebuilt: commissioning });
  });

  it('gives back every GS1 example event exactly, and empty lists and objects too', () => {
    const examples = exampleEvents() as Record<string, unknown>[];
    expect(examples.length).toBeGreaterThan(20);
    const edge = {
      ...markedShipment(),
      ilmd: {},
      bizTransactionList: [],
      readPoint: { id: 'urn:epc:id:sgln:0614199.00001.7', 'example:dock': 3 },
      ['__proto__']: { 'example:odd': true },
    };
    for (const event of [...examples, JSON.parse(JSON.stringify(edge)) as Record<string, unknown>]) {
      expect(canonicalText(roundTrip(event).rebuilt)).toBe(canonicalText(event));
    }
  });

  it('gives back fuzzed events exactly', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean());
    const member = fc.constantFrom('urn:epc:id:pgln:0614141.00000', 'urn:epc:id:sgln:0614142.00001.0');
    const entry = fc.record({
      type: fc.constantFrom('possessing_party', 'location', 'owning_party'),
      source: fc.oneof(member, fc.string()),
    });
    const event = fc.record(
      {
        type: fc.constant('ObjectEvent'),
        eventID: fc.string(),
        epcList: fc.array(fc.string(), { maxLength: 3 }),
        sourceList: fc.array(entry, { maxLength: 3 }),
        quantityList: fc.array(fc.record({ epcClass: fc.string(), quantity: fc.integer(), extra: value }), {
          maxLength: 2,
        }),
        ilmd: fc.dictionary(fc.constantFrom('waybill:maxTemperature', 'example:lot', 'x'), value),
        readPoint: fc.record({ id: fc.oneof(member, fc.string()) }),
        'example:ext': value,
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(event, (e) => {
        expect(canonicalText(roundTrip(e).rebuilt)).toBe(canonicalText(e));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a part that names elements its view does not have', () => {
    const view = publicView(markedShipment(), tiers);
    expect(() => mergeSealed(view, { parts: { destinationList: { '1000000000': 'x' } } })).toThrow(
      /no element/,
    );
    expect(() => mergeSealed(view, { parts: { eventTime: { a: 1 } } })).toThrow(/does not fit/);
  });
});
