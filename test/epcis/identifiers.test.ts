import { describe, expect, it } from 'vitest';
import { validateCaptureDocument } from '../../services/epcis/index.js';

type Event = Record<string, unknown>;

const event = (fields: Event = {}): Event => ({
  type: 'ObjectEvent',
  eventTime: '2026-07-22T06:45:00.000+02:00',
  eventTimeZoneOffset: '+02:00',
  action: 'OBSERVE',
  epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
  ...fields,
});

/** `undefined` removes a field, as JSON would. */
const withFields = (fields: Event): Event =>
  Object.fromEntries(Object.entries(event(fields)).filter(([, value]) => value !== undefined));

const documentOf = (...eventList: Event[]) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-07-22T10:30:00Z',
  epcisBody: { eventList },
});

/** The first refusal as `field code`, or 'accepted'. */
function verdict(fields: Event): string {
  const result = validateCaptureDocument(documentOf(withFields(fields)));
  if (result.ok) return 'accepted';
  const [first] = result.errors;
  return `${first?.field.replace('/epcisBody/eventList/0/', '')} ${first?.code ?? '(no code)'}`;
}

const epc = (id: string) => verdict({ epcList: [id] });
const epcClass = (id: string) =>
  verdict({ epcList: undefined, quantityList: [{ epcClass: id, quantity: 1 }] });
const bizLocation = (id: string) => verdict({ bizLocation: { id } });

const GTIN = '09506000134352'; // check digit 2
const DL = 'https://id.gs1.org';

describe('GS1 identifiers in events', () => {
  it('accepts valid EPC URIs and Digital Link URIs of every kind', () => {
    expect(epc('urn:epc:id:sgtin:0614141.107346.2017')).toBe('accepted');
    expect(epc('urn:epc:id:sscc:0614141.1234567890')).toBe('accepted');
    expect(epc('urn:epc:id:grai:0614141.12345.400')).toBe('accepted');
    expect(epc('urn:epc:id:giai:0614141.12345400')).toBe('accepted');
    expect(epc('urn:epc:id:gid:95100000.12345.400')).toBe('accepted');
    expect(epc(`${DL}/01/${GTIN}/21/ABC-1`)).toBe('accepted');
    expect(epc(`${DL}/01/${GTIN}/10/LOT1/21/ABC%2F1`)).toBe('accepted');
    expect(epc(`${DL}/00/106141411234567897`)).toBe('accepted');
    expect(epc(`${DL}/8003/00006141412344SERIAL`)).toBe('accepted');
    expect(epcClass('urn:epc:class:lgtin:4012345.012345.998877')).toBe('accepted');
    expect(epcClass('urn:epc:idpat:sgtin:4012345.012345.*')).toBe('accepted');
    expect(epcClass(`${DL}/01/${GTIN}/10/LOT1`)).toBe('accepted');
    expect(bizLocation('urn:epc:id:sgln:0614141.00001.0')).toBe('accepted');
    expect(bizLocation(`${DL}/414/0614141000418`)).toBe('accepted');
    expect(bizLocation(`${DL}/414/0614141000418/254/dock-1`)).toBe('accepted');
    // Not GS1 identifiers: EPCIS allows any URI.
    expect(epc('urn:example:tag:1')).toBe('accepted');
    expect(epc('https://example.com/things/1')).toBe('accepted');
  });

  it('refuses wrong check digits in Digital Links, bizLocation and readPoint', () => {
    expect(epc(`${DL}/01/09506000134353/21/1`)).toBe('epcList/0 IDENTIFIER_CHECK_DIGIT');
    expect(epc(`${DL}/00/106141411234567898`)).toBe('epcList/0 IDENTIFIER_CHECK_DIGIT');
    expect(epc(`${DL}/8003/00006141412345SERIAL`)).toBe('epcList/0 IDENTIFIER_CHECK_DIGIT');
    expect(bizLocation(`${DL}/414/0614141000412`)).toBe('bizLocation/id IDENTIFIER_CHECK_DIGIT');
    expect(verdict({ readPoint: { id: `${DL}/414/0614141000412` } })).toBe(
      'readPoint/id IDENTIFIER_CHECK_DIGIT',
    );
    expect(verdict({ sourceList: [{ type: 'owning_party', source: `${DL}/417/0614141000412` }] })).toBe(
      'sourceList/0/source IDENTIFIER_CHECK_DIGIT',
    );
  });

  it('refuses wrong lengths and digit counts', () => {
    expect(epc(`${DL}/01/9506000134352/21/1`)).toBe('epcList/0 IDENTIFIER_LENGTH');
    expect(epc(`${DL}/01/${GTIN}/21/${'1'.repeat(21)}`)).toBe('epcList/0 IDENTIFIER_LENGTH');
    expect(epc(`urn:epc:id:sgtin:0614141.107346.${'1'.repeat(21)}`)).toBe('epcList/0 IDENTIFIER_LENGTH');
    expect(epc('urn:epc:id:sgtin:0614141.10734.1')).toBe('epcList/0 IDENTIFIER_LENGTH');
    expect(epc('urn:epc:id:sscc:0614141.123456789')).toBe('epcList/0 IDENTIFIER_LENGTH');
    expect(epc('urn:epc:id:sgtin:06141.1073461.1')).toBe('epcList/0 IDENTIFIER_LENGTH');
  });

  it('refuses characters a GS1 field does not allow', () => {
    expect(epc('urn:epc:id:sgtin:06141A1.107346.1')).toBe('epcList/0 IDENTIFIER_CHARACTER');
    expect(epc(`${DL}/01/${GTIN}/21/ab%00`)).toBe('epcList/0 IDENTIFIER_CHARACTER');
    expect(epc('urn:epc:id:sgcn:4012345.67890.ABC')).toBe('epcList/0 IDENTIFIER_CHARACTER');
  });

  it('refuses unknown schemes, fragments and AIs that are no key or qualifier', () => {
    expect(epc('urn:epc:id:nonsense:1')).toBe('epcList/0 IDENTIFIER_SCHEME_UNKNOWN');
    expect(epc('urn:epc:class:sgtin:0614141.107346.1')).toBe('epcList/0 IDENTIFIER_SCHEME_UNKNOWN');
    expect(epc(`${DL}/01/${GTIN}/21/1#top`)).toBe('epcList/0 IDENTIFIER_SYNTAX');
    expect(epc(`${DL}/01/${GTIN}/99/1`)).toBe('epcList/0 IDENTIFIER_SYNTAX');
    expect(epc(`${DL}/99/1234`)).toBe('epcList/0 IDENTIFIER_SYNTAX');
    expect(epc(`${DL}/01/${GTIN}/21/1/10/LOT`)).toBe('epcList/0 IDENTIFIER_SYNTAX');
    expect(epc('urn:epc:id:sgtin:0614141.107346')).toBe('epcList/0 IDENTIFIER_SYNTAX');
  });

  it('refuses patterns where objects are named, and single objects where a class is', () => {
    expect(epc('urn:epc:idpat:sgtin:0614141.107346.*')).toBe('epcList/0 IDENTIFIER_INSTANCE_REQUIRED');
    expect(
      verdict({
        type: 'AggregationEvent',
        action: 'ADD',
        parentID: 'urn:epc:idpat:sscc:0614141.*',
        childEPCs: ['urn:epc:id:sgtin:0614141.107346.2017'],
        epcList: undefined,
      }),
    ).toBe('parentID IDENTIFIER_INSTANCE_REQUIRED');
    expect(epcClass('urn:epc:id:sgtin:0614141.107346.1')).toBe(
      'quantityList/0/epcClass IDENTIFIER_CLASS_REQUIRED',
    );
    expect(epcClass(`${DL}/01/${GTIN}/21/1`)).toBe('quantityList/0/epcClass IDENTIFIER_CLASS_REQUIRED');
    expect(epcClass('urn:epc:idpat:sgtin:0614141.*.1')).toBe('quantityList/0/epcClass IDENTIFIER_SYNTAX');
  });

  it('refuses time zone offsets beyond ±14:00', () => {
    expect(verdict({ eventTime: '2026-07-22T06:45:00.000+14:01' })).toBe('eventTime (no code)');
    expect(verdict({ eventTime: '2026-07-22T06:45:00.000-15:00' })).toBe('eventTime (no code)');
    expect(verdict({ eventTime: '2026-07-22T06:45:00.000+14:00' })).toBe('accepted');
  });
});
