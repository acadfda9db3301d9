import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_EVENTS, validateCaptureDocument } from '../../services/epcis/index.js';

type Event = Record<string, unknown>;

const objectEvent = (fields: Event = {}): Event => ({
  type: 'ObjectEvent',
  eventTime: '2026-07-22T06:45:00.000+02:00',
  eventTimeZoneOffset: '+02:00',
  action: 'OBSERVE',
  epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
  ...fields,
});

const capture = (...eventList: Event[]) => ({
  '@context': [
    'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
    { example: 'https://example.com/' },
  ],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-07-22T10:30:00Z',
  epcisBody: { eventList },
});

/** The first refusal's field, or 'accepted'. */
function firstField(doc: unknown, maxEvents?: number): string {
  const result = validateCaptureDocument(doc, maxEvents);
  return result.ok ? 'accepted' : (result.errors[0]?.field ?? 'no errors');
}
const at = (field: string) => `/epcisBody/eventList/0/${field}`;

describe('validateCaptureDocument: accepted documents', () => {
  const common = { eventTime: '2026-07-22T04:45:00Z', eventTimeZoneOffset: '+00:00' };
  const minimal: Event[] = [
    objectEvent(),
    {
      ...common,
      type: 'ObjectEvent',
      action: 'ADD',
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 20, uom: 'KGM' }],
    },
    {
      ...common,
      type: 'AggregationEvent',
      action: 'ADD',
      parentID: 'urn:epc:id:sscc:0614141.1234567890',
      childEPCs: ['urn:epc:id:sgtin:0614141.107346.2017'],
    },
    { ...common, type: 'AggregationEvent', action: 'DELETE', parentID: 'urn:epc:id:sscc:0614141.1234567890' },
    {
      ...common,
      type: 'TransactionEvent',
      action: 'ADD',
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO1' }],
      epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
    },
    {
      ...common,
      type: 'TransformationEvent',
      inputEPCList: ['urn:epc:id:sgtin:0614141.107346.1'],
      outputEPCList: ['urn:epc:id:sgtin:0614141.107346.2'],
    },
    {
      ...common,
      type: 'TransformationEvent',
      transformationID: 'urn:epc:id:gdti:0614141.00001.1',
      outputEPCList: ['urn:epc:id:sgtin:0614141.107346.2'],
    },
    {
      ...common,
      type: 'AssociationEvent',
      action: 'ADD',
      parentID: 'urn:epc:id:grai:4012345.55555.987',
      childEPCs: ['urn:epc:id:giai:4000001.12345'],
    },
  ];
  for (const event of minimal) {
    it(`a minimal ${event.type} (${event.action ?? 'no action'})`, () =>
      expect(firstField(capture(event))).toBe('accepted'));
  }

  it('returns the document and its events', () => {
    const doc = capture(objectEvent(), objectEvent({ action: 'ADD' }));
    const result = validateCaptureDocument(doc);
    expect(result.ok && result.document).toBe(doc);
    expect(result.ok && result.events).toBe(doc.epcisBody.eventList);
  });

  it('bizStep and disposition as CBV bare words, CBV URIs (web and URN form) or own URIs', () => {
    for (const bizStep of [
      'shipping',
      'https://ref.gs1.org/cbv/BizStep-shipping',
      'urn:epcglobal:cbv:bizstep:shipping',
      'https://example.com/steps/weighing',
      'example:weighing',
    ]) {
      expect(firstField(capture(objectEvent({ bizStep, disposition: 'in_transit' })))).toBe('accepted');
    }
  });

  it('namespaced extension fields at any extension point', () => {
    const event = objectEvent({
      'example:note': { anything: [1, 'two'] },
      readPoint: { id: 'urn:epc:id:sgln:0614141.07346.1234', 'example:dock': 4 },
      'https://example.com/terms/flag': true,
    });
    expect(firstField(capture(event))).toBe('accepted');
  });

  // EPCIS 2.0 types quantity as xsd:decimal without a lower bound; GS1's schema agrees.
  it('a negative quantity, which the standard does not forbid', () => {
    const event = objectEvent({
      epcList: [],
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.1', quantity: -2 }],
    });
    expect(firstField(capture(event))).toBe('accepted');
  });
});

describe('validateCaptureDocument: refusals name the field at fault', () => {
  const cases: Array<[string, Event, string]> = [
    ['eventTime without offset', objectEvent({ eventTime: '2026-07-22T06:45:00' }), at('eventTime')],
    [
      'eventTime with an hhmm offset',
      objectEvent({ eventTime: '2026-07-22T06:45:00+0200' }),
      at('eventTime'),
    ],
    ['eventTime on 30 February', objectEvent({ eventTime: '2026-02-30T06:45:00Z' }), at('eventTime')],
    [
      'eventTimeZoneOffset beyond +14:00',
      objectEvent({ eventTimeZoneOffset: '+15:00' }),
      at('eventTimeZoneOffset'),
    ],
    [
      'missing eventTimeZoneOffset',
      objectEvent({ eventTimeZoneOffset: undefined }),
      at('eventTimeZoneOffset'),
    ],
    ['unknown event type', objectEvent({ type: 'QuantityEvent' }), at('type')],
    ['missing event type', objectEvent({ type: undefined }), at('type')],
    ['eventID that is no URI', objectEvent({ eventID: 'event 1' }), at('eventID')],
    ['unknown bare bizStep', objectEvent({ bizStep: 'transforming' }), at('bizStep')],
    [
      'unknown word in the CBV namespace',
      objectEvent({ bizStep: 'https://ref.gs1.org/cbv/BizStep-transforming' }),
      at('bizStep'),
    ],
    [
      'unknown disposition in a persistentDisposition',
      objectEvent({ persistentDisposition: { set: ['in_transport'] } }),
      at('persistentDisposition/set/0'),
    ],
    [
      'quantity as text',
      objectEvent({ quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.1', quantity: '3' }] }),
      at('quantityList/0/quantity'),
    ],
    [
      'uom without quantity',
      objectEvent({ quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.1', uom: 'KGM' }] }),
      at('quantityList/0/quantity'),
    ],
    ['unknown field without namespace', objectEvent({ comment: 'hello' }), at('comment')],
    ['readPoint without id', objectEvent({ readPoint: { name: 'dock 4' } }), at('readPoint/id')],
    ['readPoint id that is no URI', objectEvent({ readPoint: { id: 'dock 4' } }), at('readPoint/id')],
    [
      'source without type',
      objectEvent({ sourceList: [{ source: 'urn:epc:id:pgln:4012345.00225' }] }),
      at('sourceList/0/type'),
    ],
    ['ObjectEvent with neither epcList nor quantityList', objectEvent({ epcList: undefined }), at('epcList')],
    ['ilmd on an OBSERVE', objectEvent({ ilmd: { 'example:lot': 'A1' } }), at('ilmd')],
    ['ilmd key without namespace', objectEvent({ action: 'ADD', ilmd: { lot: 'A1' } }), at('ilmd/lot')],
    [
      'sensor report with an unknown measurement type',
      objectEvent({ sensorElementList: [{ sensorReport: [{ type: 'Temprature', value: 4 }] }] }),
      at('sensorElementList/0/sensorReport/0/type'),
    ],
    [
      'errorDeclaration without declarationTime',
      objectEvent({ errorDeclaration: { reason: 'incorrect_data' } }),
      at('errorDeclaration/declarationTime'),
    ],
    [
      'AggregationEvent ADD without parentID',
      {
        type: 'AggregationEvent',
        eventTime: '2026-07-22T04:45:00Z',
        eventTimeZoneOffset: '+00:00',
        action: 'ADD',
        childEPCs: ['urn:epc:id:sgtin:0614141.107346.1'],
      },
      at('parentID'),
    ],
    [
      'AssociationEvent without children',
      {
        type: 'AssociationEvent',
        eventTime: '2026-07-22T04:45:00Z',
        eventTimeZoneOffset: '+00:00',
        action: 'ADD',
        parentID: 'urn:epc:id:grai:4012345.55555.987',
      },
      at('childEPCs'),
    ],
    [
      'TransactionEvent without bizTransactionList',
      {
        type: 'TransactionEvent',
        eventTime: '2026-07-22T04:45:00Z',
        eventTimeZoneOffset: '+00:00',
        action: 'ADD',
        epcList: ['urn:epc:id:sgtin:0614141.107346.1'],
      },
      at('bizTransactionList'),
    ],
    [
      'TransformationEvent without outputs or transformationID',
      {
        type: 'TransformationEvent',
        eventTime: '2026-07-22T04:45:00Z',
        eventTimeZoneOffset: '+00:00',
        inputEPCList: ['urn:epc:id:sgtin:0614141.107346.1'],
      },
      at('outputEPCList'),
    ],
    [
      'TransformationEvent with an action',
      {
        type: 'TransformationEvent',
        eventTime: '2026-07-22T04:45:00Z',
        eventTimeZoneOffset: '+00:00',
        action: 'ADD',
        inputEPCList: ['urn:epc:id:sgtin:0614141.107346.1'],
        outputEPCList: ['urn:epc:id:sgtin:0614141.107346.2'],
      },
      at('action'),
    ],
  ];
  for (const [name, event, field] of cases) {
    it(name, () => expect(firstField(capture(JSON.parse(JSON.stringify(event))))).toBe(field));
  }

  it('explains a vocabulary refusal', () => {
    const result = validateCaptureDocument(capture(objectEvent({ bizStep: 'transforming' })));
    expect(result.ok ? undefined : result.errors).toEqual([
      { field: at('bizStep'), message: expect.stringContaining('CBV bizStep') },
    ]);
  });

  it('a document that is not an EPCISDocument', () => {
    expect(firstField(null)).toBe('');
    expect(firstField([capture(objectEvent())])).toBe('');
    expect(firstField({ ...capture(objectEvent()), type: 'EPCISQueryDocument' })).toBe('/type');
    expect(firstField({ ...capture(objectEvent()), schemaVersion: '1.2' })).toBe('/schemaVersion');
  });

  it('an @context that is not a URI, an object or a list of them', () => {
    expect(firstField({ ...capture(objectEvent()), '@context': 42 })).toBe('/@context');
    expect(firstField({ ...capture(objectEvent()), '@context': ['not a uri'] })).toBe('/@context');
  });

  it('any @context the EPCIS 2.0 schema allows', () => {
    for (const context of [
      'https://gs1.github.io/EPCIS/epcis-context.jsonld',
      ['https://gs1.github.io/EPCIS/epcis-context-simple.jsonld', { ex: 'https://example.org/' }],
      'https://ref.gs1.org/standards/epcis/epcis-context.jsonld',
      { '@vocab': 'https://ref.gs1.org/epcis/' },
    ])
      expect(validateCaptureDocument({ ...capture(objectEvent()), '@context': context }).ok).toBe(true);
  });

  it('a document without events', () => {
    expect(firstField(capture())).toBe('/epcisBody/eventList');
  });

  it('identifiers longer than reads and queries take (2048 characters)', () => {
    const long = (n: number) => `urn:example:${'x'.repeat(n - 'urn:example:'.length)}`;
    expect(firstField(capture(objectEvent({ eventID: long(2048) })))).toBe('accepted');
    const result = validateCaptureDocument(capture(objectEvent({ eventID: long(2049) })));
    expect(result.ok ? undefined : result.errors[0]).toEqual({
      field: at('eventID'),
      message: expect.stringContaining('2048'),
    });
    expect(firstField(capture(objectEvent({ epcList: [long(2049)] })))).toBe(at('epcList/0'));
  });
});

describe('validateCaptureDocument: event limit', () => {
  it('refuses more than maxEvents events, before looking at them', () => {
    const doc = capture(objectEvent(), objectEvent(), {});
    expect(firstField(doc, 2)).toBe('/epcisBody/eventList');
    expect(firstField(doc, 3)).toBe('/epcisBody/eventList/2/type');
  });

  it('defaults to 10,000 events', () => {
    expect(DEFAULT_MAX_EVENTS).toBe(10_000);
    const event = objectEvent();
    const atLimit = capture(...Array.from({ length: DEFAULT_MAX_EVENTS }, () => event));
    expect(firstField(atLimit)).toBe('accepted');
    const overLimit = capture(...Array.from({ length: DEFAULT_MAX_EVENTS + 1 }, () => event));
    expect(validateCaptureDocument(overLimit)).toEqual({
      ok: false,
      errors: [{ field: '/epcisBody/eventList', message: 'has 10001 events; at most 10000 are accepted' }],
    });
  });
});
