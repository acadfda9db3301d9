import { describe, expect, it } from 'vitest';
import { checkDigit, epcToDigitalLink } from '../../services/epcis/epc-uri.js';
import { canonicalDigitalLink } from '../../services/epcis/gs1-digital-link.js';
import {
  canonicalNumber,
  canonicalTimestamp,
  canonicalValue,
  compareCodePoints,
} from '../../services/epcis/hash-values.js';

describe('canonicalNumber (Python Decimal semantics of the reference)', () => {
  const cases: Array<[string, string | undefined]> = [
    ['25', '25'],
    ['25.0', '25'],
    ['12.70', '12.7'],
    ['007', '7'],
    ['+3', '3'],
    ['.5', '0.5'],
    ['-0.0', '-0'],
    ['2.5e-3', '0.0025'],
    ['1.5e1', '15'],
    ['1e2', '1E+2'],
    ['12e1', '1.2E+2'],
    ['', undefined],
    ['.', undefined],
    ['NaN', undefined],
    ['1,5', undefined],
    ['0x10', undefined],
    ['1e-999999999', undefined],
  ];
  for (const [text, expected] of cases)
    it(`${JSON.stringify(text)} → ${expected}`, () => expect(canonicalNumber(text)).toBe(expected));
});

describe('canonicalTimestamp', () => {
  const cases: Array<[string, string | undefined]> = [
    ['2020-04-01T15:00:00+01:00', '2020-04-01T14:00:00.000Z'],
    ['2023-02-02T11:04:03.1415Z', '2023-02-02T11:04:03.142Z'],
    ['2023-02-02T11:04:03.1414Z', '2023-02-02T11:04:03.141Z'],
    ['2020-12-31T23:59:59.9995Z', '2021-01-01T00:00:00.000Z'],
    ['2005-04-03T20:33:31.116000-06:00', '2005-04-04T02:33:31.116Z'],
    ['2026-02-30T00:00:00Z', undefined],
    ['2026-07-22T06:45:00', undefined],
    ['22-07-2026', undefined],
  ];
  for (const [text, expected] of cases)
    it(`${text} → ${expected}`, () => expect(canonicalTimestamp(text)).toBe(expected));
});

describe('GS1 identifiers as canonical Digital Link URIs', () => {
  it('computes GS1 check digits', () => {
    expect(checkDigit('0952114101234')).toBe('5');
    expect(checkDigit('34012345111111111')).toBe('1'); // SSCC 340123451111111111
  });

  const epcs: Array<[string, string | undefined]> = [
    ['urn:epc:id:sgtin:0614141.107346.2017', 'https://id.gs1.org/01/10614141073464/21/2017'],
    ['urn:epc:id:sscc:0614141.1234567890', 'https://id.gs1.org/00/106141412345678908'],
    ['urn:epc:id:sgln:0614141.07346.1234', 'https://id.gs1.org/414/0614141073467/254/1234'],
    ['urn:epc:id:sgln:0614141.07346.0', 'https://id.gs1.org/414/0614141073467'],
    ['urn:epc:class:lgtin:4012345.012345.998877', 'https://id.gs1.org/01/04012345123456/10/998877'],
    ['urn:epc:idpat:sgtin:4012345.012345.*', 'https://id.gs1.org/01/04012345123456'],
    ['urn:epc:id:sgtin:06141.1073461.2017', undefined], // company prefix too short
    ['urn:epc:id:sgtin:0614141.107346.', undefined], // no serial
    ['urn:epc:id:unknown:1.2.3', undefined],
    ['urn:epc:id:constructor:1.2.3', undefined],
  ];
  for (const [epc, expected] of epcs)
    it(`${epc} → ${expected}`, () => expect(epcToDigitalLink(epc)).toBe(expected));

  const links: Array<[string, string | undefined]> = [
    ['https://id.gs1.org/01/09521141012345/21/2017', 'https://id.gs1.org/01/09521141012345/21/2017'],
    [
      'http://example.com/gtin/9521141012345/ser/2017?linkType=all',
      'https://id.gs1.org/01/09521141012345/21/2017',
    ],
    ['https://example.org/shop/01/09521141012345', 'https://id.gs1.org/01/09521141012345'],
    ['https://id.gs1.org/01/09521141012345/10/LOT/21/2017', 'https://id.gs1.org/01/09521141012345/21/2017'],
    ['https://id.gs1.org/01/09521141012345/22/V1/10/L1', 'https://id.gs1.org/01/09521141012345/10/L1'],
    ['https://id.gs1.org/01/09521141012345/21/S/10/L', undefined], // qualifiers out of order
    ['https://id.gs1.org/01/09521141012345/21/2017/', undefined], // trailing slash
    ['https://id.gs1.org/01/09521141012345/21/20%2F17', undefined], // %-encoded: left as written
    ['https://example.com/products/42', undefined],
    ['https://example.com/constructor/0952/21/1', undefined],
  ];
  for (const [uri, expected] of links)
    it(`${uri} → ${expected}`, () => expect(canonicalDigitalLink(uri)).toBe(expected));

  it('canonicalValue modernises CBV URNs and leaves other text alone', () => {
    expect(canonicalValue('urn:epcglobal:cbv:disp:in_transit')).toBe(
      'https://ref.gs1.org/cbv/Disp-in_transit',
    );
    expect(canonicalValue('geo:50.9,6.9')).toBe('geo:50.9,6.9');
    expect(canonicalValue('(414)4023333000000')).toBe('(414)4023333000000');
  });
});

describe('compareCodePoints', () => {
  it('orders by code point, not UTF-16 unit', () => {
    const astral = '\u{1F600}'; // U+1F600, a surrogate pair
    const high = '\uFF21'; // U+FF21, above every surrogate unit
    expect([astral, high].sort()).toEqual([astral, high]); // UTF-16 order
    expect([astral, high].sort(compareCodePoints)).toEqual([high, astral]);
    expect(['b', 'a=2', 'a', 'a=10'].sort(compareCodePoints)).toEqual(['a', 'a=10', 'a=2', 'b']);
  });
});
