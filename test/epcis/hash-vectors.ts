/**
 * Known-answer vectors for the CBV 2.0 event hash, from the reference implementation
 * github.com/RalphTro/epcis-event-hash-generator (MIT licence, © 2019 RalphTro): the documents of
 * tests/examples/documents/ and the hashes the project expects for them in
 * tests/examples/expected/CBV2.0/ (commits 084b0034…, d8d87463…). Documents are reproduced
 * unchanged except for the fields the hash ignores or that are outside the event (header, creationDate).
 */

export interface HashVector {
  name: string;
  context: unknown;
  events: Array<Record<string, unknown>>;
  /** Expected hash of each event, in order. */
  hashes: string[];
}

const EPCIS_2_0_0 = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
const EPCIS = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';
const ni = (hex: string) => `ni:///sha-256;${hex}?ver=CBV2.0`;

export const referenceVectors: HashVector[] = [
  {
    name: 'ReferenceEventHashAlgorithm2 (sensor reports, EPC URNs, unordered reports)',
    context: [EPCIS_2_0_0],
    events: [
      {
        type: 'ObjectEvent',
        eventTime: '2020-04-01T15:00:00+01:00',
        eventTimeZoneOffset: '+01:00',
        epcList: ['urn:epc:id:sgtin:4012345.011111.9876'],
        action: 'OBSERVE',
        bizStep: 'inspecting',
        readPoint: { id: 'urn:epc:id:sgln:4012345.00005.0' },
        sensorElementList: [
          {
            sensorMetadata: {
              deviceID: 'urn:epc:id:giai:4000001.111',
              deviceMetadata: 'https://id.gs1.org/8004/4000001111',
            },
            sensorReport: [
              { type: 'Temperature', value: 26, sDev: 0.1, uom: 'CEL' },
              { type: 'AbsoluteHumidity', value: 12.1, uom: 'A93' },
              {
                type: 'Dimensionless',
                microorganism: 'https://www.ncbi.nlm.nih.gov/taxonomy/1126011',
                value: 0.05,
                uom: 'C35',
              },
              {
                type: 'Dimensionless',
                chemicalSubstance: 'https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N',
                value: 0.18,
                uom: 'C35',
              },
            ],
          },
        ],
      },
    ],
    hashes: [ni('271565c346ae2fb28c4583c4dca4ab4772d465eb4e0b6e548d77d8b49377d95c')],
  },
  {
    name: 'TimeStampRoundOff (half-up rounding to milliseconds, geo: URI, sensor alert, CRS)',
    context: [EPCIS_2_0_0],
    events: [
      {
        type: 'ObjectEvent',
        eventTime: '2023-02-02T11:04:03.1415Z',
        eventTimeZoneOffset: '+01:00',
        epcList: ['https://id.gs1.de/00/040123451111111110'],
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        readPoint: { id: 'https://id.gs1.de/414/4012345000115' },
      },
      {
        type: 'ObjectEvent',
        eventTime: '2023-02-02T11:04:03.1414Z',
        eventTimeZoneOffset: '+01:00',
        epcList: ['https://id.gs1.de/00/040123451111111110'],
        action: 'OBSERVE',
        bizStep: 'transporting',
        readPoint: { id: 'geo:50.947573340894124,6.922120147375441' },
      },
      {
        type: 'ObjectEvent',
        eventTime: '2023-02-12T11:04:03.1415Z',
        eventTimeZoneOffset: '+01:00',
        certificationInfo: 'https://accreditation-council.example.org/certificate/ABC12345',
        epcList: ['https://id.gs1.de/01/04012345999990/21/XYZ-1234'],
        action: 'OBSERVE',
        bizStep: 'receiving',
        disposition: 'in_progress',
        readPoint: { id: 'https://id.gs1.de/414/4012345000115' },
        sensorElementList: [
          {
            sensorMetadata: {
              time: '2023-02-12T11:04:03.1007Z',
              bizRules: 'https://id.example.com/253/4012345000054987',
            },
            sensorReport: [
              {
                type: 'Dimensionless',
                exception: 'ALARM_CONDITION',
                coordinateReferenceSystem: 'http://www.opengis.net/def/crs/EPSG/0/27700',
              },
            ],
          },
        ],
      },
    ],
    hashes: [
      ni('af7658e711574363633f20b3dadc7bc4c13c6f612cf96d95e03c421c0e58f3c6'),
      ni('0550df44527332c1fe417c5837fe61b9e71eaa93307b88519dac549bf2d4dcf9'),
      ni('bf052637920f56c28bd6bc4ce10bb296203fcddc543f1e293d5a77b07592dcec'),
    ],
  },
  {
    name: 'CertificationInfoAndSensorReportWithCRS (extensions inside sensor metadata and reports)',
    context: [EPCIS_2_0_0, { cbv: 'https://ref.gs1.org/cbv/' }, { ext1: 'https://ns.ext.de/epcis/' }],
    events: [
      {
        type: 'ObjectEvent',
        eventTime: '2023-01-11T12:00:00+01:00',
        eventTimeZoneOffset: '+01:00',
        certificationInfo: 'https://accreditation-council.example.org/certificate/ABC12345',
        epcList: ['https://id.gs1.de/01/04012345999990/21/XYZ-1234'],
        action: 'OBSERVE',
        bizStep: 'receiving',
        disposition: 'in_progress',
        readPoint: { id: 'https://id.gs1.de/414/4012345000115' },
        sensorElementList: [
          {
            sensorMetadata: {
              time: '2023-01-11T11:05:00Z',
              bizRules: 'https://id.example.com/253/4012345000054987',
              'ext1:someFurtherMetadata': 'metadataText',
            },
            sensorReport: [
              {
                type: 'Dimensionless',
                exception: 'ALARM_CONDITION',
                coordinateReferenceSystem: 'http://www.opengis.net/def/crs/EPSG/0/27700',
                'ext1:someFurtherReportData': 'reportText',
              },
            ],
          },
        ],
      },
    ],
    hashes: [ni('db3f717972b6be7ce2eb2f31a12b00beda1f9a7de63c23948f4b7314ffe0581b')],
  },
  {
    name: 'TransformationEventWithUserExtensions (extensions at every level, errorDeclaration ignored)',
    context: [
      EPCIS,
      { example: 'http://ns.example.com/epcis/' },
      { example2: 'http://ns.example.com/epcis-2/' },
      { example3: 'http://ns.example.com/epcis-3/' },
      { example4: 'http://ns.example.com/epcis-4/' },
    ],
    events: [
      {
        type: 'TransformationEvent',
        eventTime: '2020-09-29T14:00:00+02:00',
        eventTimeZoneOffset: '+02:00',
        errorDeclaration: {
          declarationTime: '2020-09-29T15:00:00+02:00',
          'example:issuer': 'Employee 123',
          'example3:errorCodes': { 'example3:value1': '34', 'example3:value44': '66' },
          'example:field': { 'example:furtherData': 'abcd1234' },
        },
        inputQuantityList: [
          { epcClass: 'urn:epc:class:lgtin:4023333.055555.ABC123', quantity: 25.0, uom: 'KGM' },
        ],
        outputEPCList: ['urn:epc:id:sgtin:4012345.012345.987', 'urn:epc:id:sgtin:4012345.012345.988'],
        bizStep: 'commissioning',
        readPoint: { id: 'urn:epc:id:sgln:4023333.00000.0', 'example:gs1ES': '(414)4023333000000' },
        bizLocation: {
          id: 'urn:epc:id:sgln:4023333.00001.12',
          'example:gs1ES': '(414)4023333000017 (254)12',
        },
        ilmd: {
          'cbvmda:lotNumber': 'LOTABC',
          'example:grading': 'A',
          'example2:userMasterData': { 'example2:sizeCode': 'B-2' },
        },
        sensorElementList: [
          {
            sensorMetadata: {
              startTime: '2019-04-01T15:00:00+01:00',
              endTime: '2019-04-02T14:59:59.999+01:00',
              'example:someFurtherMetaData': 'someText',
            },
            sensorReport: [
              {
                type: 'Temperature',
                minValue: 12.4,
                maxValue: 13.8,
                meanValue: 13.2,
                percRank: 50.0,
                percValue: 12.7,
                uom: 'CEL',
                sDev: 0.41,
                'example:cv': '123',
              },
              { type: 'example:someSensorProperty', stringValue: 'someSensorOutput' },
            ],
            'example:furtherSensorData': { 'example:measure1': '123.5', 'example:measure2': '0.987' },
            'example:someUserField': 'abc123',
          },
        ],
        'example:extension': { moreExtensions: { futureExtension: { tag1: '1', tag2: '2', tag3: '3' } } },
        'example:internalData': {
          'example:machine': 'urn:epc:id:giai:4012345.ABC',
          'example:procedure': 'A-1',
        },
        'example2:furtherData': { 'example2:assemblyLine': '2', 'example2:workingShift': '1' },
        'example4:otherThings': 'some text',
      },
    ],
    hashes: [ni('dca180f4e6005d4b6a6408a8d143977ca2e4f3e72048d7aa03b4df4055d484f9')],
  },
  {
    name: 'epcisDocWithAllGS1Keys (every EPC scheme, class and pattern URI to Digital Link)',
    context: [EPCIS_2_0_0],
    events: [
      {
        type: 'ObjectEvent',
        eventTime: '2023-03-27T11:30:00.0Z',
        eventTimeZoneOffset: '+01:00',
        epcList: [
          'urn:epc:id:sgtin:4012345.012345.12',
          'urn:epc:id:sscc:4012345.0000000333',
          'https://id.gs1.org/00/040123450000003338',
          'urn:epc:id:grai:4012345.66666.87',
          'urn:epc:id:giai:4012345.AAbb',
          'urn:epc:id:gsrn:4012345.9876540000',
          'urn:epc:id:gsrnp:4012345.0000098765',
          'urn:epc:id:gdti:4012345.55555.98',
          'urn:epc:id:cpi:4012345.ABC.123',
          'urn:epc:id:sgcn:4012345.99999.44',
          'urn:epc:id:ginc:4012345.333',
          'urn:epc:id:gsin:4012345.999987654',
          'urn:epc:id:itip:4012345.012345.01.02.999',
          'urn:epc:id:upui:4012345.012345.AB12',
        ],
        quantityList: [
          { epcClass: 'urn:epc:class:lgtin:4054739.099914.20160711' },
          { epcClass: 'urn:epc:idpat:sgtin:4054739.099914.*' },
          { epcClass: 'urn:epc:idpat:grai:4012345.66666.*' },
          { epcClass: 'urn:epc:idpat:gdti:4012345.55555.*' },
          { epcClass: 'urn:epc:idpat:sgcn:4012345.99999.*' },
          { epcClass: 'urn:epc:idpat:cpi:4012345.ABC.*' },
          { epcClass: 'urn:epc:idpat:itip:4012345.012345.01.02.*' },
        ],
        action: 'OBSERVE',
        bizStep: 'other',
        readPoint: { id: 'urn:epc:id:sgln:4012345.00011.987' },
      },
    ],
    hashes: [ni('40744f32beff53a4bf5bb5956d465cb52de5bbcc9f131409d8efb903b04d9351')],
  },
  {
    name: 'epclist_normalisation (edge cases of EPC URIs and Digital Link URIs)',
    context: [EPCIS_2_0_0],
    events: [
      {
        type: 'ObjectEvent',
        eventTime: '2019-04-02T15:00:00.000+01:00',
        eventTimeZoneOffset: '+01:00',
        epcList: [
          'urn:epc:id:sgtin:4012345.011111.9876',
          'urn:epc:id:sgtin:4012345.011111.98%22',
          'urn:epc:id:sgtin:415056789012.0.987654',
          'urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()',
          'urn:epc:id:sscc:4012345.3111111111',
          'urn:epc:id:sgln:4012345.00005.122',
          'urn:epc:id:sgln:4012345.00005.0',
          'urn:epc:id:grai:4012345.00022.334455',
          'urn:epc:id:giai:4012345.ABC345',
          'urn:epc:id:gsrn:4012345.0000006765',
          'urn:epc:id:gsrnp:4012345.0000000007',
          'urn:epc:id:gdti:4012345.00009.PO-4711',
          'urn:epc:id:gdti:987659999999..9',
          'urn:epc:id:cpi:0614141.11111111111111-A%23%2F.1234',
          'urn:epc:id:ginc:0614141.xyz47%2F11',
          'urn:epc:id:gsin:4012345.222333444',
          'urn:epc:id:itip:4012345.011111.01.02.987',
          "urn:epc:id:upui:1234567.098765.51qIgY)%3C%26Jp3*j7'SDB",
          'urn:epc:id:pgln:4000001.00000',
          'urn:epc:id:pgln:999999999999.',
          'urn:epc:class:lgtin:4012345.012345.Lot987',
          'https://id.gs1.org/gtin/09780345418913',
          'https://example.com/gtin/09780345418913/21/765tz?abc=211121',
        ],
        action: 'OBSERVE',
        bizStep: 'inspecting',
        readPoint: { id: 'urn:epc:id:sgln:4012345.00005.0' },
      },
    ],
    hashes: [ni('028e1a1a0aef2be946fa8026eec361159033cab9d4da3f94bee1d58070b20198')],
  },
  {
    name: 'epcisDocWithSensorComponent (compact IRIs in GS1 vocabularies expanded)',
    context: [EPCIS_2_0_0, { cbv: 'https://ref.gs1.org/cbv/' }],
    events: [
      {
        type: 'ObjectEvent',
        eventTime: '2022-04-07T10:00:00.000Z',
        eventTimeZoneOffset: '+01:00',
        epcList: ['https://id.example.com/8003/040123450007718765'],
        action: 'OBSERVE',
        bizStep: 'sensor_reporting',
        readPoint: { id: 'https://id.example.com/414/4012345000054' },
        sensorElementList: [
          {
            sensorReport: [
              {
                type: 'gs1:Angle',
                value: 42.698334,
                component: 'cbv:Comp-latitude',
                uom: 'DD',
                coordinateReferenceSystem: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84',
              },
              {
                type: 'gs1:Angle',
                value: 23.319941,
                component: 'cbv:Comp-longitude',
                uom: 'DD',
                coordinateReferenceSystem: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84',
              },
            ],
          },
        ],
      },
    ],
    hashes: [ni('14faa21345eb49fa31e5578aed52a2c291b7dc8ded0d53c88135955173ea91fc')],
  },
  {
    name: 'epcisDocWithCustomExtensions (event-level extensions; recordTime and eventID left out)',
    context: [
      EPCIS_2_0_0,
      { example: 'https://ns.example.com/epcis/', 'repository-x': 'https://repository-x.example.com/' },
      { rdfs: 'http://www.w3.org/2000/01/rdf-schema#' },
    ],
    events: [
      {
        type: 'ObjectEvent',
        eventTime: '2019-10-21T14:45:00Z',
        recordTime: '2023-06-02T07:03:16.073Z',
        eventTimeZoneOffset: '+01:00',
        eventID: 'ni:///sha-256;b3d481c5590757ab8361a6cb0e924820feb3b61eb568e7d7703f21a96f76f51d?ver=CBV2.0',
        epcList: ['https://id.gs1.org/00/040123451111111127'],
        action: 'OBSERVE',
        bizStep: 'inspecting',
        disposition: 'in_progress',
        readPoint: { id: 'https://id.gs1.org/414/4012345000245/254/1' },
        'repository-x:hash':
          'ni:///sha-256;b3d481c5590757ab8361a6cb0e924820feb3b61eb568e7d7703f21a96f76f51d?ver=CBV2.0',
        'example:captureID': 'cc90bbe4-7f3a-4abd-b150-d4371c72a64f',
      },
      {
        type: 'ObjectEvent',
        eventTime: '2019-10-21T14:45:00Z',
        recordTime: '2023-06-02T07:03:16.073Z',
        eventTimeZoneOffset: '+01:00',
        eventID: 'ni:///sha-256;b3d481c5590757ab8361a6cb0e924820feb3b61eb568e7d7703f21a96f76f51d?ver=CBV2.0',
        epcList: ['https://id.gs1.org/00/040123451111111127'],
        action: 'OBSERVE',
        bizStep: 'inspecting',
        disposition: 'in_progress',
        readPoint: { id: 'https://id.gs1.org/414/4012345000245/254/1' },
      },
    ],
    hashes: [
      ni('81d42556b26127560fee1c57e0b7775cbd58aa401af0565e58ce043472ab3a5b'),
      ni('b3d481c5590757ab8361a6cb0e924820feb3b61eb568e7d7703f21a96f76f51d'),
    ],
  },
  {
    // The project publishes this one for CBV 2.1 only; 2.1 differs from 2.0 just in where
    // extensions and the sensorElementList wrapper go, neither present here: same digest.
    name: 'epcisDocHavingEventWithComment (rdfs:comment is no data)',
    context: [
      EPCIS_2_0_0,
      { example: 'https://ns.example.com/epcis/' },
      { rdfs: 'http://www.w3.org/2000/01/rdf-schema#' },
    ],
    events: [
      {
        eventID: 'ni:///sha-256;36abb3a2c0a726de32ac4beafd6b8bc4ba0b1d2de244490312e5cbec7b5ddece?ver=CBV2.0',
        type: 'ObjectEvent',
        action: 'OBSERVE',
        'rdfs:comment': 'An ObjectEvent may be used for reporting an observation',
        bizStep: 'shipping',
        disposition: 'in_transit',
        epcList: ['urn:epc:id:sgtin:0614141.107346.2017', 'urn:epc:id:sgtin:0614141.107346.2018'],
        eventTime: '2005-04-03T20:33:31.116000-06:00',
        eventTimeZoneOffset: '-06:00',
        readPoint: { id: 'urn:epc:id:sgln:0614141.07346.1234' },
        bizTransactionList: [{ type: 'po', bizTransaction: 'http://transaction.acme.com/po/12345678' }],
      },
    ],
    hashes: [ni('df6523665bc5e5803d6c7b84f5a04e103694d8220f2abc4f2c74310e89f31bc6')],
  },
  {
    name: 'epcisDocWithXMLstartTagAndErrorDeclaration (eventID and errorDeclaration left out)',
    context: [EPCIS_2_0_0, { example: 'https://ns.example.com/epcis/' }],
    events: [
      {
        type: 'TransformationEvent',
        eventTime: '2020-01-14T00:00:00.000+01:00',
        eventTimeZoneOffset: '+01:00',
        eventID: 'urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8',
        inputEPCList: ['urn:epc:id:sgtin:4012345.011111.987'],
        outputEPCList: ['urn:epc:id:sgtin:4012345.033333.AGHFG'],
        inputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.022222.87545GHGH' }],
        outputQuantityList: [
          { epcClass: 'urn:epc:idpat:sgtin:4012345.044444.*', quantity: 452.0, uom: 'KGM' },
        ],
        bizStep: 'commissioning',
        readPoint: { id: 'urn:epc:id:sgln:4012345.00000.0' },
        errorDeclaration: {
          declarationTime: '2020-01-15T00:00:00.000+01:00',
          reason: 'incorrect_data',
          'example:vendorExtension': 'Test1',
        },
      },
    ],
    hashes: [ni('e16ce101f3d7383612e00b74419b2d88f12baa6a124b0e390252d396687d5cf7')],
  },
];

/**
 * GS1's own "all possible fields" examples in ../shared/epcis/valid are the reference project's
 * test documents too (same events), so the reference's expected hashes apply to them. The
 * aggregation example differs in one value: GS1 writes the sensor component as the CURIE
 * "cbv:Comp-latitude", the reference's copy as "example:x"; the vector patches it back.
 */
export const sharedFixtureVectors = [
  {
    file: 'object_event_all_possible_fields.jsonld',
    hash: ni('9811bfb2672e9c3a0f6151be339d22b60db375c8b23d2740f6137cc6539f0639'),
  },
  {
    file: 'transaction_event_all_possible_fields.jsonld',
    hash: ni('4a85d64a96409f0c57baed258666b26d83e6690d204a8aaed4c7e2624d8b0c81'),
  },
  {
    file: 'transformation_event_all_possible_fields.jsonld',
    hash: ni('529cc54b8cf9d8664208cc6c77473274d8c2dd473469920a7d09a814623f52cc'),
  },
  {
    file: 'aggregation_event_all_possible_fields.jsonld',
    hash: ni('41cf5d2be6b6926acc531597e43932eb4b9b23926ccb6ce08c882bda7a74d1a8'),
    patch: (event: Record<string, unknown>) => {
      const elements = event.sensorElementList as Array<{ sensorReport: Array<Record<string, unknown>> }>;
      for (const report of elements[0]?.sensorReport ?? []) report.component = 'example:x';
    },
  },
];
