import { describe, expect, it } from 'vitest';
import { hashOf } from '../../../services/common/index.js';
import { type EncryptionPublicKey, generateEncryptionKey } from '../../../services/crypto/index.js';
import type { CaptureTxBody } from '../../../services/ledger/index.js';
import {
  Decrypter,
  disclosureOf,
  encryptSealed,
  eventSeedOf,
  groupRoots,
  keyRingOf,
  NON_MEMBER_PLACEHOLDER,
  openCapture,
  publicView,
  recipientsProblem,
  SealedCode,
  type SealedPlain,
  sealCapture,
  sealCaptureKeeping,
  sealedAad,
  sealedFields,
  sealedProblem,
  tierContext,
} from '../../../services/privacy/index.js';
import { sha256, verifyDisclosures } from '../../../services/verify/index.js';
import { MARKERS, markedShipment } from '../../support/sealed.js';

const members = [
  { id: 'org-a', parties: ['urn:epc:id:pgln:0614141.00000'], locations: ['urn:epc:id:sgln:0614141.00001.0'] },
  { id: 'org-b', parties: ['urn:epc:id:pgln:0614142.00000'], locations: ['urn:epc:id:sgln:0614142.00001.0'] },
  { id: 'org-c', parties: ['urn:epc:id:pgln:0614143.00000'], locations: ['urn:epc:id:sgln:0614143.00001.0'] },
];
const tiers = tierContext(members, ['waybill:minTemperature', 'waybill:maxTemperature']);

async function keys() {
  const out = await Promise.all(members.map((m) => generateEncryptionKey(m.id)));
  return {
    privates: new Map(members.map((m, i) => [m.id, out[i]?.privateJwk])),
    withKeys: members.map((m, i) => ({ ...m, encryptionKeys: [out[i]?.publicKey as EncryptionPublicKey] })),
  };
}

function plainBody(events: Record<string, unknown>[]): CaptureTxBody {
  return {
    kind: 'capture',
    network: 'net',
    org: 'org-a',
    submitter: 'erp-user-7',
    errorBehaviour: 'rollback',
    document: {
      '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-06-01T08:00:00.000Z',
      epcisHeader: { note: 'header secret' },
      epcisBody: { eventList: events },
    },
  };
}

describe('tiers', () => {
  it('keeps what the rules read and seals the rest, non-member parties as a placeholder', () => {
    const event = markedShipment();
    const view = publicView(event, tiers);
    const text = JSON.stringify(view);
    for (const marker of Object.values(MARKERS)) expect(text).not.toContain(marker);
    expect(view.destinationList).toEqual([
      { type: 'possessing_party', destination: 'urn:epc:id:pgln:0614142.00000' },
      { type: 'location', destination: NON_MEMBER_PLACEHOLDER },
    ]);
    expect(view.readPoint).toEqual({ id: 'urn:epc:id:sgln:0614141.00001.0' });
    expect(view.bizLocation).toBeUndefined();
    expect(view.ilmd).toEqual({ 'waybill:minTemperature': 0 });
    expect(sealedFields(event, view).map((f) => f.path)).toEqual([
      'bizLocation/id',
      'bizTransactionList/0',
      'destinationList/1',
      'example:price',
      'ilmd/example:lot',
    ]);
  });
});

describe('sealing a capture', () => {
  it('commits, encrypts to the recipients only, and opens at a recipient with matching roots', async () => {
    const { privates, withKeys } = await keys();
    const ring = keyRingOf(withKeys);
    const keyOf = (org: string) => withKeys.find((m) => m.id === org)?.encryptionKeys[0];
    const body = await sealCapture(plainBody([markedShipment()]), {
      tiers,
      keyOf,
      recipientsOf: () => ['org-b', 'org-a'],
    });
    const text = JSON.stringify(body);
    for (const marker of [...Object.values(MARKERS), 'erp-user-7', 'header secret'])
      expect(text).not.toContain(marker);
    expect(body.sealed?.[0]?.kids).toEqual(['org-a#1', 'org-b#1']);
    const events = (body.document.epcisBody as { eventList: Record<string, unknown>[] }).eventList;
    expect(sealedProblem(body, events, true, ring, 1)).toBeUndefined();
    const [event] = events;
    expect(
      recipientsProblem(body, event as Record<string, unknown>, ['org-a', 'org-b'], ring),
    ).toBeUndefined();
    expect(recipientsProblem(body, event as Record<string, unknown>, ['org-a', 'org-c'], ring)?.code).toBe(
      SealedCode.Recipients,
    );

    const atB = await openCapture(body, new Decrypter([privates.get('org-b') as never]), tiers);
    expect(atB.faults).toEqual([]);
    expect(atB.events[0]?.event).toEqual(markedShipment());
    const atC = await openCapture(body, new Decrypter([privates.get('org-c') as never]), tiers);
    expect(atC).toEqual({ events: [], faults: [] });

    // A disclosure of one sealed field verifies against the committed root; tampering fails.
    const opened = atB.events[0];
    if (!opened) throw new Error('not opened');
    const fields = sealedFields(opened.event, publicView(opened.event, tiers));
    const d = disclosureOf(opened.seed, fields, 'bizTransactionList/0');
    const pass = { pass: () => undefined };
    expect(verifyDisclosures(sha256, event as Record<string, unknown>, [d], pass)).toEqual([
      { path: 'bizTransactionList/0', value: (markedShipment().bizTransactionList as unknown[])[0] },
    ]);
    for (const bad of [
      { ...d, value: { type: 'po', bizTransaction: 'x' } },
      { ...d, salt: '00'.repeat(16) },
      { ...d, path: 'bizTransactionList/1' },
      { ...d, index: ((d?.index ?? 0) + 1) % 16 },
    ]) {
      expect(() => verifyDisclosures(sha256, event as Record<string, unknown>, [bad], pass)).toThrow(
        /sealed root/,
      );
    }
  });

  it('keeps at the sealing node exactly what its own opening would store', async () => {
    const { privates, withKeys } = await keys();
    const keyOf = (org: string) => withKeys.find((m) => m.id === org)?.encryptionKeys[0];
    const second = { ...markedShipment(), eventID: 'urn:uuid:6f1d2c1e-0000-4000-8000-000000000009' };
    const sealed = await sealCaptureKeeping(plainBody([markedShipment(), second]), {
      tiers,
      keyOf,
      recipientsOf: (_view, i) => (i === 0 ? ['org-a', 'org-b'] : ['org-a']),
    });
    const atA = await openCapture(sealed.body, new Decrypter([privates.get('org-a') as never]), tiers);
    expect(atA.faults).toEqual([]);
    expect(atA.events).toHaveLength(2);
    expect(sealed.events).toEqual(atA.events);
  });

  it('encrypts only the sealed part of each event, and still opens a version 1 ciphertext holding it whole', async () => {
    const { privates, withKeys } = await keys();
    const keyOf = (org: string) => withKeys.find((m) => m.id === org)?.encryptionKeys[0];
    const deps = { tiers, keyOf, recipientsOf: () => ['org-a', 'org-b'] };
    const body = await sealCapture(plainBody([markedShipment()]), deps);
    const views = (body.document.epcisBody as { eventList: Record<string, unknown>[] }).eventList;
    const aad = sealedAad('net', 'org-a', groupRoots(views, 0));
    const decrypter = new Decrypter([privates.get('org-b') as never]);
    const group = body.sealed?.[0];
    const plain = await decrypter.decrypt(group?.jwe as never, aad);
    const text = new TextDecoder().decode(plain);
    const parsed = JSON.parse(text) as SealedPlain;
    expect(parsed.v).toBe(3);
    expect(parsed.events[0]?.event).toBeUndefined();
    for (const marker of Object.values(MARKERS)) expect(text).toContain(marker);
    for (const shown of ['urn:epc:id:sgtin:0614141.107346.2017', '2026-06-01T08:00:00.000Z', 'in_transit'])
      expect(text).not.toContain(shown);

    // A version 1 ciphertext (the event whole) of the same capture opens to the same event.
    const { seed: groupSeed, ...rest } = parsed;
    expect(groupSeed).toMatch(/^[0-9a-f]{64}$/);
    const v1: SealedPlain = {
      ...rest,
      v: 1,
      events: parsed.events.map(({ index }) => ({
        index,
        // Each event's own seed, as version 1 carried it (here of version 3's commitment).
        seed: eventSeedOf(groupSeed as string, index, 3),
        event: markedShipment(),
      })),
    };
    const keysOf = ['org-a', 'org-b'].map((org) => keyOf(org) as EncryptionPublicKey);
    const jwe = await encryptSealed(new TextEncoder().encode(JSON.stringify(v1)), aad, keysOf);
    const old = { ...body, sealed: [{ kids: group?.kids ?? [], digest: hashOf(jwe), jwe: jwe as never }] };
    for (const b of [body, old]) {
      const opened = await openCapture(b, decrypter, tiers);
      expect(opened.faults).toEqual([]);
      expect(opened.events[0]?.event).toEqual(markedShipment());
    }
    // A part that rebuilds another event than the committed view and root is a seal fault.
    const forged: SealedPlain = {
      ...parsed,
      events: parsed.events.map((e) => ({ ...e, whole: { ...e.whole, 'example:price': 'changed' } })),
    };
    const bad = await encryptSealed(new TextEncoder().encode(JSON.stringify(forged)), aad, keysOf);
    const forgedBody = {
      ...body,
      sealed: [{ kids: group?.kids ?? [], digest: hashOf(bad), jwe: bad as never }],
    };
    expect((await openCapture(forgedBody, decrypter, tiers)).faults).toHaveLength(1);
  });

  it('refuses a malformed JWE, a ciphertext not matching its digest, an unknown or inactive key, a moved ciphertext', async () => {
    const { withKeys } = await keys();
    const ring = keyRingOf(withKeys);
    const keyOf = (org: string) => withKeys.find((m) => m.id === org)?.encryptionKeys[0];
    const deps = { tiers, keyOf, recipientsOf: () => ['org-a', 'org-b'] };
    const body = await sealCapture(plainBody([markedShipment()]), deps);
    const events = (body.document.epcisBody as { eventList: Record<string, unknown>[] }).eventList;
    const group = body.sealed?.[0];
    if (!group) throw new Error('no group');
    const problem = (b: CaptureTxBody, height = 1) => sealedProblem(b, events, true, ring, height)?.code;

    const tamperedJwe = { ...group.jwe, ciphertext: `${group.jwe.ciphertext as string}A` };
    expect(problem({ ...body, sealed: [{ ...group, jwe: tamperedJwe }] })).toBe(SealedCode.Digest);
    const noIv = { ...group.jwe, iv: undefined };
    expect(problem({ ...body, sealed: [{ ...group, jwe: noIv, digest: hashOf(noIv) }] })).toBe(
      SealedCode.Malformed,
    );
    const unknownRing = keyRingOf(withKeys.filter((m) => m.id !== 'org-b'));
    expect(sealedProblem(body, events, true, unknownRing, 1)?.code).toBe(SealedCode.UnknownKey);
    const later = keyRingOf(
      withKeys.map((m) => ({
        ...m,
        encryptionKeys: m.encryptionKeys.map((k) => ({ ...k, from: 50 }) as never),
      })),
    );
    expect(sealedProblem(body, events, true, later, 1)?.code).toBe(SealedCode.StaleKey);
    // The same ciphertext on another capture (other roots) is bound to another transaction.
    const other = await sealCapture(
      plainBody([{ ...markedShipment(), eventID: 'urn:uuid:6f1d2c1e-0000-4000-8000-000000000002' }]),
      deps,
    );
    const otherEvents = (other.document.epcisBody as { eventList: Record<string, unknown>[] }).eventList;
    expect(sealedProblem({ ...other, sealed: body.sealed }, otherEvents, true, ring, 1)?.code).toBe(
      SealedCode.Malformed,
    );
    expect(sealedProblem(body, events, false, ring, 1)?.code).toBe(SealedCode.Malformed);
    expect(problem({ ...body, sealed: undefined })).toBe(SealedCode.Malformed);
  });
});
