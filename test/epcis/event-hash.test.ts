import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assignEventIds, type EpcisEvent, eventHash, preHashString } from '../../services/epcis/index.js';
import { referenceVectors, sharedFixtureVectors } from './hash-vectors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const validDir = path.resolve(repoRoot, '../shared/epcis/valid');
// Reference documents kept verbatim, each beside the `.hashes` file the reference project expects.
const referenceDir = path.resolve(repoRoot, 'test/epcis/reference-documents');

const readDocument = (file: string) =>
  JSON.parse(readFileSync(path.join(validDir, file), 'utf8')) as {
    '@context': unknown;
    epcisBody: { eventList: EpcisEvent[] };
  };

describe('eventHash: reference implementation vectors', () => {
  for (const vector of referenceVectors) {
    it(vector.name, () => {
      const hashes = vector.events.map((event) => eventHash(event as EpcisEvent, vector.context));
      expect(hashes).toEqual(vector.hashes);
    });
  }

  for (const file of readdirSync(referenceDir).filter((name) => name.endsWith('.jsonld'))) {
    it(`reference document ${file}`, () => {
      const document = JSON.parse(readFileSync(path.join(referenceDir, file), 'utf8'));
      const expected = readFileSync(path.join(referenceDir, file.replace(/\.jsonld$/, '.hashes')), 'utf8');
      const hashes = document.epcisBody.eventList.map((event: EpcisEvent) =>
        eventHash(event, document['@context']),
      );
      expect(hashes).toEqual(expected.trim().split('\n'));
    });
  }

  for (const vector of sharedFixtureVectors) {
    it(`GS1 example ${vector.file}`, () => {
      const document = readDocument(vector.file);
      const event = structuredClone(document.epcisBody.eventList[0]) as EpcisEvent;
      vector.patch?.(event);
      expect(eventHash(event, document['@context'])).toBe(vector.hash);
    });
  }
});

describe('eventHash: pre-hash string rules', () => {
  const base: EpcisEvent = {
    type: 'ObjectEvent',
    eventTime: '2020-04-01T15:00:00.5+01:00',
    eventTimeZoneOffset: '+01:00',
    epcList: ['urn:epc:id:sgtin:4012345.011111.9876', 'https://id.gs1.org/01/04012345111118/21/1234'],
    action: 'OBSERVE',
    bizStep: 'shipping',
  };

  it('writes the expected canonical form', () => {
    expect(preHashString(base)).toBe(
      'eventType=ObjectEventeventTime=2020-04-01T14:00:00.500ZeventTimeZoneOffset=+01:00' +
        'epcListepc=https://id.gs1.org/01/04012345111118/21/1234epc=https://id.gs1.org/01/04012345111118/21/9876' +
        'action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shipping',
    );
  });

  it('is the same for the same event written differently', () => {
    const rewritten: EpcisEvent = {
      bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
      action: 'OBSERVE',
      epcList: ['https://example.com/01/04012345111118/21/1234?x=1', 'urn:epc:id:sgtin:4012345.011111.9876'],
      eventTimeZoneOffset: '+01:00',
      eventTime: '2020-04-01T14:00:00.500Z',
      type: 'ObjectEvent',
    };
    expect(eventHash(rewritten)).toBe(eventHash(base));
  });

  it('ignores eventID, recordTime, errorDeclaration and certificationInfo', () => {
    const annotated = {
      ...base,
      eventID: 'urn:uuid:1',
      recordTime: '2026-01-01T00:00:00Z',
      certificationInfo: 'https://cert.example.org/1',
      errorDeclaration: { declarationTime: '2026-01-02T00:00:00Z', reason: 'incorrect_data' },
    };
    expect(eventHash(annotated)).toBe(eventHash(base));
  });

  it('changes when any hashed field changes', () => {
    const original = eventHash(base);
    expect(eventHash({ ...base, eventTime: '2020-04-01T15:00:00.501+01:00' })).not.toBe(original);
    expect(eventHash({ ...base, action: 'ADD' })).not.toBe(original);
    expect(eventHash({ ...base, 'example:note': 'x' }, [{ example: 'https://example.com/' }])).not.toBe(
      original,
    );
  });

  it('names extensions by namespace, so the prefix chosen does not matter', () => {
    const a = eventHash({ ...base, 'a:note': 'x' }, [{ a: 'https://example.com/ns/' }]);
    const b = eventHash({ ...base, 'b:note': 'x' }, [{ b: 'https://example.com/ns/' }]);
    expect(a).toBe(b);
    expect(preHashString({ ...base, 'a:note': 'x' }, [{ a: 'https://example.com/ns/' }])).toMatch(
      /\{https:\/\/example\.com\/ns\/\}note=x$/,
    );
  });

  it('has the ni URI format', () => {
    expect(eventHash(base)).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });
});

describe('assignEventIds', () => {
  const document = readDocument('Example_9.6.1-ObjectEvent.jsonld');

  it('keeps the eventID an event already has', () => {
    const events = document.epcisBody.eventList;
    const assigned = assignEventIds(events, document['@context']);
    expect(assigned.map((e) => e.eventID)).toEqual(events.map((e) => e.eventID));
  });

  it('gives events without one their event hash, deterministically, without mutating input', () => {
    const events = document.epcisBody.eventList.map(({ eventID: _, ...event }) => event as EpcisEvent);
    const first = assignEventIds(events, document['@context']);
    const second = assignEventIds(structuredClone(events), document['@context']);
    expect(first.map((e) => e.eventID)).toEqual(second.map((e) => e.eventID));
    expect(first[0]?.eventID).toBe(eventHash(events[0] as EpcisEvent, document['@context']));
    expect(new Set(first.map((e) => e.eventID)).size).toBe(events.length);
    expect(events.every((e) => e.eventID === undefined)).toBe(true);
  });
});
