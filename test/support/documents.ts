import { randomUUID } from 'node:crypto';

let serial = 0;
/**
 * Serial numbers unique across documents and test processes (custody refuses re-commissioning),
 * within the 20 characters an SGTIN serial may have: base 36 keeps them at about 16.
 */
const nextSerial = () => `${Date.now().toString(36)}-${process.pid.toString(36)}-${(serial++).toString(36)}`;

/** A small, valid EPCIS 2.0 capture document of commissioning events with fresh eventIDs and EPCs. */
export function commissioningDocument(count: number, location = 'urn:epc:id:sgln:0614141.00001.0') {
  const eventList = Array.from({ length: count }, () => ({
    type: 'ObjectEvent',
    eventID: `urn:uuid:${randomUUID()}`,
    eventTime: '2026-11-24T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    epcList: [`urn:epc:id:sgtin:0614141.107346.${nextSerial()}`],
    readPoint: { id: location },
  }));
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-11-24T10:00:00.000Z',
    epcisBody: { eventList },
  };
}

export function eventIdsOf(doc: ReturnType<typeof commissioningDocument>): string[] {
  return doc.epcisBody.eventList.map((e) => e.eventID);
}
