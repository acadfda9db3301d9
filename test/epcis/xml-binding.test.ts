import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  epcisDocumentFromXml,
  eventHash,
  queryDocumentXml,
  validateCaptureDocument,
  XmlSyntaxError,
} from '../../services/epcis/index.js';

// The EPCIS XML binding against GS1's own JSON examples (../shared/epcis/valid): each document's
// events written as an EPCIS 2.0 XML query document and read back must be the same events, and
// valid. GS1's repository snapshot holds no XML event documents, so the XML side is checked by
// GS1's 9.6.1 example transcribed in the XML binding (as the standard prints it) and by round trips.

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/epcis');
const VALID = path.join(SHARED, 'valid');
const EXTERNAL = path.join(SHARED, 'external/valid');

type Json = Record<string, unknown>;

/** The prefixes GS1's EPCIS JSON-LD context defines (its source is in ../shared/epcis/schemas). */
const GS1_CONTEXT = namespacesOf(
  (JSON.parse(readFileSync(path.join(SHARED, 'schemas/epcis-context-root.jsonld'), 'utf8')) as Json)[
    '@context'
  ],
);
const GS1_CONTEXT_URL = /^https:\/\/(ref\.gs1\.org\/standards\/epcis\/|gs1\.github\.io\/EPCIS\/)/;

function namespacesOf(context: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of Array.isArray(context) ? context : [context])
    if (c && typeof c === 'object')
      for (const [k, v] of Object.entries(c)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Scalars inside user extension members (`prefix:name`) as text, as the XML binding carries them. */
function extensionsAsText(value: unknown, inExtension = false): unknown {
  if (Array.isArray(value)) return value.map((v) => extensionsAsText(v, inExtension));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, extensionsAsText(v, inExtension || /^[\w-]+:[^/]/.test(k))]),
    );
  return inExtension && (typeof value === 'number' || typeof value === 'boolean') ? String(value) : value;
}

const read = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.json(ld)?$/.test(f))
    .map((f) => [f, JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Json] as const);

function roundTrip(doc: Json) {
  const events = (doc.epcisBody as { eventList: Json[] }).eventList;
  const namespaces = namespacesOf(doc['@context']);
  const xml = queryDocumentXml({
    queryName: 'SimpleEventQuery',
    creationDate: String(doc.creationDate),
    events,
    namespaces: () => namespaces,
    cbvFormat: 'urn',
  });
  expect(xml).toContain('<epcisq:EPCISQueryDocument');
  const back = epcisDocumentFromXml(xml);
  const checked = validateCaptureDocument(back);
  expect(checked.ok, JSON.stringify(!checked.ok && checked.errors)).toBe(true);
  return { events, namespaces, back, backEvents: (back.epcisBody as { eventList: Json[] }).eventList };
}

describe('EPCIS XML binding', () => {
  it('finds the documents to read', () => {
    expect(read(VALID).length).toBeGreaterThanOrEqual(18);
    expect(read(EXTERNAL).length).toBeGreaterThanOrEqual(60);
  });

  for (const [file, doc] of read(VALID)) {
    it(`writes and reads back GS1's ${file} unchanged`, () => {
      const { events, namespaces, back, backEvents } = roundTrip(doc);
      // XML carries an extension's value as text: a JSON number or boolean there comes back as text.
      expect(backEvents).toEqual(extensionsAsText(events));
      // Every extension prefix is back in @context with the namespace GS1's document gave it.
      const context = back['@context'];
      const declared = Array.isArray(context)
        ? (context[1] as Record<string, string> | undefined)
        : undefined;
      for (const [prefix, ns] of Object.entries(declared ?? {}))
        expect(ns).toBe(namespaces[prefix] ?? GS1_CONTEXT[prefix]);
    });
  }

  // Public documents write CBV values in every allowed form (bare, web URI, CURIE) and put
  // contexts on events: read back, each event is the same event (the same CBV 2.0 event hash).
  for (const [file, doc] of read(EXTERNAL)) {
    it(`writes and reads back ${file} as the same events`, () => {
      const { events, backEvents } = roundTrip(doc);
      // A context only reachable online (another organisation's URL) cannot name its prefixes'
      // namespaces offline, so their hash differs; the events themselves are the same.
      const remote = [doc['@context']].flat().some((c) => typeof c === 'string' && !GS1_CONTEXT_URL.test(c));
      if (remote) expect(backEvents).toEqual(extensionsAsText(events));
      // Under the document's own context: the same event content, whatever form CBV values take.
      // (An event's own @context, which XML declares on the event, adds to it.)
      else
        expect(
          backEvents.map((e, i) =>
            eventHash(e as never, [doc['@context'], events[i]?.['@context'] ?? []].flat()),
          ),
        ).toEqual(events.map((e) => eventHash(extensionsAsText(e) as never, doc['@context'])));
    });
  }

  it("reads GS1's 9.6.1 ObjectEvent in the XML binding into the JSON-LD model", () => {
    const doc = epcisDocumentFromXml(EXAMPLE_961);
    expect(doc).toMatchObject({
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2005-07-11T11:30:47.0Z',
    });
    const [event] = (doc.epcisBody as { eventList: Json[] }).eventList;
    expect(event).toEqual({
      type: 'ObjectEvent',
      eventTime: '2005-04-03T20:33:31.116-06:00',
      eventTimeZoneOffset: '-06:00',
      epcList: ['urn:epc:id:sgtin:0614141.107346.2017', 'urn:epc:id:sgtin:0614141.107346.2018'],
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      readPoint: { id: 'urn:epc:id:sgln:0614141.07346.1234' },
      bizTransactionList: [{ type: 'po', bizTransaction: 'http://transaction.acme.com/po/12345678' }],
      'example:myField': 'Example of a vendor/user extension',
    });
    expect(doc['@context']).toEqual([
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { example: 'https://ns.example.com/epcis' },
    ]);
    expect(validateCaptureDocument(doc).ok).toBe(true);
  });

  it('reads EPCIS 1.2 documents through their extension wrappers', () => {
    const doc =
      epcisDocumentFromXml(`<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2" creationDate="2019-01-01T00:00:00Z">
      <EPCISBody><EventList>
        <ObjectEvent>
          <eventTime>2019-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
          <baseExtension><eventID>urn:uuid:5b3b2a3c-0000-4000-8000-000000000001</eventID></baseExtension>
          <epcList/><action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
          <extension><quantityList><quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.998877</epcClass><quantity>200</quantity><uom>KGM</uom></quantityElement></quantityList></extension>
        </ObjectEvent>
        <extension><TransformationEvent><eventTime>2019-01-01T01:00:00Z</eventTime><eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
          <inputEPCList><epc>urn:epc:id:sgtin:4012345.011122.25</epc></inputEPCList>
          <outputEPCList><epc>urn:epc:id:sgtin:4012345.077889.25</epc></outputEPCList></TransformationEvent></extension>
      </EventList></EPCISBody></epcis:EPCISDocument>`);
    const events = (doc.epcisBody as { eventList: Json[] }).eventList;
    expect(doc.schemaVersion).toBe('2.0');
    expect(events.map((e) => e.type)).toEqual(['ObjectEvent', 'TransformationEvent']);
    expect(events[0]).toMatchObject({
      eventID: 'urn:uuid:5b3b2a3c-0000-4000-8000-000000000001',
      epcList: [],
      bizStep: 'commissioning',
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 200, uom: 'KGM' }],
    });
    expect(validateCaptureDocument(doc).ok).toBe(true);
  });

  it('reads sensor data from attributes, as numbers and booleans where JSON has them', () => {
    const doc =
      epcisDocumentFromXml(`<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2019-04-02T14:05:00.000+01:00">
      <EPCISBody><EventList><ObjectEvent>
        <eventTime>2019-04-02T15:00:00.000+01:00</eventTime><eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
        <epcList><epc>urn:epc:id:sgtin:4012345.011111.9876</epc></epcList><action>OBSERVE</action>
        <sensorElementList><sensorElement>
          <sensorMetadata time="2019-04-02T14:55:00.000+01:00" deviceID="urn:epc:id:giai:4000001.111"/>
          <sensorReport type="gs1:Temperature" value="26.0" uom="CEL" booleanValue="true"/>
        </sensorElement></sensorElementList>
      </ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`);
    const [event] = (doc.epcisBody as { eventList: Json[] }).eventList;
    expect(event?.sensorElementList).toEqual([
      {
        sensorMetadata: { time: '2019-04-02T14:55:00.000+01:00', deviceID: 'urn:epc:id:giai:4000001.111' },
        sensorReport: [{ type: 'Temperature', value: 26, uom: 'CEL', booleanValue: true }],
      },
    ]);
    expect(validateCaptureDocument(doc).ok).toBe(true);
  });

  it('writes CBV values as URNs by default and as web URIs on request', () => {
    const event = {
      type: 'ObjectEvent',
      eventTime: '2026-01-01T00:00:00Z',
      eventTimeZoneOffset: '+00:00',
      epcList: [],
      action: 'OBSERVE',
      bizStep: 'shipping',
    };
    const write = (cbvFormat: 'urn' | 'web') =>
      queryDocumentXml({
        queryName: 'q',
        creationDate: '2026-01-01T00:00:00Z',
        events: [event],
        namespaces: () => ({}),
        cbvFormat,
      });
    expect(write('urn')).toContain('<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>');
    expect(write('web')).toContain('<bizStep>https://ref.gs1.org/cbv/BizStep-shipping</bizStep>');
  });

  it('refuses malformed XML, a DOCTYPE, deep nesting and other roots, naming where', () => {
    const refused = (xml: string) => {
      try {
        epcisDocumentFromXml(xml);
      } catch (err) {
        expect(err).toBeInstanceOf(XmlSyntaxError);
        return (err as XmlSyntaxError).errors;
      }
      throw new Error('accepted');
    };
    expect(refused('<a><b></a>')[0]?.field).toBe('line 1, column 7');
    expect(refused('<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')[0]?.message).toMatch(/DOCTYPE/);
    expect(refused(`${'<a>'.repeat(1000)}${'</a>'.repeat(1000)}`)[0]?.message).toMatch(/nested/i);
    expect(refused('<Other/>')[0]?.message).toMatch(/EPCISDocument/);
    expect(refused('<p:EPCISDocument/>')[0]?.message).toMatch(/prefix 'p'/);
  });
});

/** GS1's ObjectEvent example (EPCIS 2.0 standard, 9.6.1) in the EPCIS 2.0 XML binding. */
const EXAMPLE_961 = `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:example="https://ns.example.com/epcis" schemaVersion="2.0" creationDate="2005-07-11T11:30:47.0Z">
  <EPCISBody>
    <EventList>
      <ObjectEvent>
        <eventTime>2005-04-03T20:33:31.116-06:00</eventTime>
        <eventTimeZoneOffset>-06:00</eventTimeZoneOffset>
        <epcList>
          <epc>urn:epc:id:sgtin:0614141.107346.2017</epc>
          <epc>urn:epc:id:sgtin:0614141.107346.2018</epc>
        </epcList>
        <action>OBSERVE</action>
        <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
        <disposition>urn:epcglobal:cbv:disp:in_transit</disposition>
        <readPoint>
          <id>urn:epc:id:sgln:0614141.07346.1234</id>
        </readPoint>
        <bizTransactionList>
          <bizTransaction type="urn:epcglobal:cbv:btt:po">http://transaction.acme.com/po/12345678</bizTransaction>
        </bizTransactionList>
        <example:myField>Example of a vendor/user extension</example:myField>
      </ObjectEvent>
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>`;
