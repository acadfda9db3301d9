import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { digitalLinkToEpc, epcToDigitalLink, GcpLengths } from '../../services/epcis/index.js';

// Digital Link -> EPC URI (GS1-EPC-Format: Always_EPC_URN) against every EPC URI in GS1's examples
// and the external public documents: EPC URI -> Digital Link -> EPC URI is the identity when the
// company prefix length is known, and nothing is invented when it is not.

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/epcis');

function epcUris(): string[] {
  const out = new Set<string>();
  for (const dir of ['valid', 'external/valid']) {
    for (const f of readdirSync(path.join(SHARED, dir)).filter((n) => /\.json(ld)?$/.test(n))) {
      const text = readFileSync(path.join(SHARED, dir, f), 'utf8');
      for (const m of text.matchAll(/"(urn:epc:(?:id|class|idpat):[^"]+)"/g)) out.add(m[1] as string);
    }
  }
  return [...out].sort();
}

describe('GS1 Digital Link to EPC URI', () => {
  const uris = epcUris();

  it('finds EPC URIs in the documents', () => {
    expect(uris.length).toBeGreaterThan(50);
  });

  it('turns every translatable EPC URI of the documents back into itself', () => {
    let translated = 0;
    for (const urn of uris) {
      const dl = epcToDigitalLink(urn);
      if (!dl) continue;
      const back = digitalLinkToEpc(dl, GcpLengths.fromEpcUris([urn]).lengthOf);
      // Keys EPC URIs have but this does not translate (cpi, sgcn, itip...) stay undefined.
      if (back === undefined) continue;
      expect(back, dl).toBe(urn);
      translated++;
    }
    expect(translated).toBeGreaterThan(40);
  });

  it('translates the usual keys, from any Digital Link domain', () => {
    const gcp = GcpLengths.fromEpcUris(['urn:epc:id:pgln:0614141.00001']).lengthOf;
    expect(digitalLinkToEpc('https://id.gs1.org/01/10614141073464/21/2017', gcp)).toBe(
      'urn:epc:id:sgtin:0614141.107346.2017',
    );
    expect(digitalLinkToEpc('https://example.com/shop/01/10614141073464/10/LOT1', gcp)).toBe(
      'urn:epc:class:lgtin:0614141.107346.LOT1',
    );
    expect(digitalLinkToEpc('https://id.gs1.org/00/106141412345678908', gcp)).toBe(
      'urn:epc:id:sscc:0614141.1234567890',
    );
    expect(digitalLinkToEpc('https://id.gs1.org/414/0614141007772', gcp)).toBe(
      'urn:epc:id:sgln:0614141.00777.0',
    );
  });

  it('leaves what it cannot know: an unknown company prefix, a non-GS1 URI', () => {
    const gcp = GcpLengths.fromEpcUris(['urn:epc:id:pgln:0614141.00001']).lengthOf;
    expect(digitalLinkToEpc('https://id.gs1.org/01/04012345111118/21/987', gcp)).toBeUndefined();
    expect(digitalLinkToEpc('https://example.com/products/42', gcp)).toBeUndefined();
    expect(digitalLinkToEpc('not a uri', gcp)).toBeUndefined();
  });
});
