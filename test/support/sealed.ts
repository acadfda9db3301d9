/** A shipment from org A to org B with marker strings in fields that are sealed (docs/privacy.md). */
export const MARKERS = { po: 'MK-PO-1', ilmd: 'MK-ILMD-1', ext: 'MK-EXT-1', cust: 'MK-CUST-1' };

export function markedShipment(): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventID: 'urn:uuid:6f1d2c1e-0000-4000-8000-000000000001',
    eventTime: '2026-06-01T08:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    bizLocation: { id: 'urn:epc:id:sgln:0614141.00009.0' },
    sourceList: [{ type: 'possessing_party', source: 'urn:epc:id:pgln:0614141.00000' }],
    destinationList: [
      { type: 'possessing_party', destination: 'urn:epc:id:pgln:0614142.00000' },
      { type: 'location', destination: `urn:epc:id:sgln:0614199.${MARKERS.cust}` },
    ],
    bizTransactionList: [{ type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:0614141000029:${MARKERS.po}` }],
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.107346.L1', quantity: 5, uom: 'KGM' }],
    ilmd: { 'waybill:minTemperature': 0, 'example:lot': MARKERS.ilmd },
    'example:price': MARKERS.ext,
  };
}
