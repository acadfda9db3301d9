import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemberBook } from '../../../services/chain/index.js';
import { toHex } from '../../../services/common/index.js';
import { initNetwork, loadNodeConfig, readNetworkDefinition } from '../../../services/config/index.js';
import {
  createSigner,
  type EncryptionPrivateJwk,
  type EncryptionPublicKey,
  generateEncryptionKey,
  generateIssuerKey,
  generateSeed,
  publicKeyOf,
} from '../../../services/crypto/index.js';
import type { GovernedProposal } from '../../../services/execution/index.js';
import {
  type CaptureTxBody,
  type MemberChange,
  type MemberFile,
  signMemberFile,
} from '../../../services/ledger/index.js';
import { Unsealer } from '../../../services/node/unsealer.js';
import { peerIdFromSeed } from '../../../services/p2p/index.js';
import {
  activeKeyOf,
  Decrypter,
  openCapture,
  Recipients,
  recipientsOf,
  SealedCode,
  sealCapture,
  sealedProblem,
  tierContext,
} from '../../../services/privacy/index.js';
import { markedShipment } from '../../support/sealed.js';

// Keys after a rotation (docs/privacy.md, keys): a node keeps its earlier private keys beside
// enc.key and picks one by the JWE recipient's kid, so what was sealed to a key since rotated out
// still opens; capturers seal to no retired key, and a removed member receives nothing.

const def = readNetworkDefinition(join(import.meta.dirname, '../../../deploy/devnet.network.yaml'));
const tiers = tierContext([], []);

function body(): CaptureTxBody {
  return {
    kind: 'capture',
    network: 'net',
    org: 'a',
    submitter: 'erp',
    errorBehaviour: 'rollback',
    document: {
      '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-06-01T08:00:00.000Z',
      epcisBody: { eventList: [markedShipment()] },
    },
  };
}

const sealTo = (keys: EncryptionPublicKey[]) =>
  sealCapture(body(), {
    tiers,
    keyOf: (org) => keys.find((k) => k.kid.startsWith(`${org}#`)),
    recipientsOf: () => keys.map((k) => k.kid.split('#')[0] as string),
  });

describe('a node after rotating its encryption key', () => {
  let dir: string;
  const org = 'valley-packers';
  let orgDir: string;
  let second: { privateJwk: EncryptionPrivateJwk; publicKey: EncryptionPublicKey };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'waybill-rotate-'));
    await initNetwork(def, join(dir, 'net'), 1_700_000_000_000);
    orgDir = join(dir, 'net', org);
    const fresh = await generateEncryptionKey(org);
    const kid = `${org}#2`;
    second = { privateJwk: { ...fresh.privateJwk, kid }, publicKey: { ...fresh.publicKey, kid } };
    writeFileSync(join(orgDir, 'enc-2.key'), `${JSON.stringify(second.privateJwk)}\n`, { mode: 0o600 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads enc.key and the later key beside it, and opens what was sealed to either', async () => {
    const config = loadNodeConfig(join(orgDir, 'node.json'));
    expect(config.encryptionKeys.map((k) => k.kid)).toEqual([`${org}#1`, `${org}#2`]);
    const first = config.self.encryptionKeys?.[0] as EncryptionPublicKey;
    const decrypter = new Decrypter(config.encryptionKeys);
    for (const key of [first, second.publicKey]) {
      const sealed = await sealTo([{ ...key, kid: key.kid }]);
      const opened = await openCapture(sealed, decrypter, tiers);
      expect(opened.faults).toEqual([]);
      expect(opened.events[0]?.event).toEqual(markedShipment());
    }
  });

  it('refuses a later key file others can read, or one holding another org’s key', () => {
    const path = join(orgDir, 'enc-2.key');
    const original = readFileSync(path, 'utf8');
    const foreign = readFileSync(join(dir, 'net', 'greenfield-farms', 'enc.key'), 'utf8');
    try {
      chmodSync(path, 0o644);
      expect(() => loadNodeConfig(join(orgDir, 'node.json'))).toThrow(/chmod 600/);
      chmodSync(path, 0o600);
      writeFileSync(path, foreign);
      expect(() => loadNodeConfig(join(orgDir, 'node.json'))).toThrow(
        /not one genesis lists for valley-packers/,
      );
    } finally {
      chmodSync(path, 0o600);
      writeFileSync(path, original);
    }
  });
});

async function memberFile(id: string, n = 1): Promise<MemberFile> {
  const seed = generateSeed();
  const enc = await generateEncryptionKey(id);
  return signMemberFile(
    {
      id,
      name: id,
      parties: [],
      locations: [],
      publicKey: toHex(publicKeyOf(seed)),
      peerId: peerIdFromSeed(seed),
      jwtIssuerKey: (await generateIssuerKey(id)).publicJwk,
      encryptionKeys: [{ ...enc.publicKey, kid: `${id}#${n}` }],
      host: '127.0.0.1',
      apiPort: 1,
      p2pPort: 2,
    },
    createSigner(seed),
  );
}

const change = (hash: string, activationHeight: number, c: MemberChange): GovernedProposal => ({
  hash,
  subject: 'member',
  proposer: 'a',
  proposedHeight: activationHeight - 2,
  approvals: [],
  activationHeight,
  change: c,
});

describe('keys of a removed member and keys rotated out', () => {
  it('are not sealed to from the removal or rotation height on, and a removed owner receives nothing', async () => {
    const genesis = await Promise.all(['a', 'b', 'c', 'd'].map((id) => memberFile(id)));
    const e = await memberFile('e');
    const b2 = await memberFile('b', 2);
    const activated = [
      change('h1', 10, { action: 'add', member: e }),
      change('h2', 15, { action: 'update', member: b2 }),
      change('h3', 20, { action: 'remove', id: 'e' }),
    ];
    const store = {
      membership: { activated: () => activated, proposal: () => undefined, proposals: () => [] },
    };
    const book = new MemberBook(store as never, genesis);
    const ring = book.keyRing();
    expect(ring.get('e#1')).toMatchObject({ org: 'e', from: 10, until: 20 });
    expect(ring.get('b#1')).toMatchObject({ org: 'b', from: 0, until: 15 });
    expect(ring.get('b#2')?.until).toBeUndefined();
    // The key a capturer seals to: the rotated one from 15, none for e from 20.
    expect(activeKeyOf(ring, 'b', 14)?.kid).toBe('b#1');
    expect(activeKeyOf(ring, 'b', 15)?.kid).toBe('b#2');
    expect(activeKeyOf(ring, 'e', 19)?.kid).toBe('e#1');
    expect(activeKeyOf(ring, 'e', 20)).toBeUndefined();

    // Recipients come from the member book at the height: e still owns the goods in the custody
    // state, but from its removal on it receives nothing.
    const owned = { getObject: () => ({ owner: 'e', custodian: 'e' }) as never };
    const event = { type: 'ObjectEvent', action: 'OBSERVE', epcList: ['urn:epc:id:sgtin:0614141.107346.1'] };
    const recipients = new Recipients(book, book);
    const input = { event, org: 'a', timestamp: 0, before: owned, after: owned };
    expect(recipientsOf(input, recipients.at(19))).toEqual(['a', 'e']);
    expect(recipientsOf(input, recipients.at(20))).toEqual(['a']);

    // Every node refuses a capture sealed to a retired key at or after its retirement.
    const keyOf = (org: string) => ring.get(`${org}#1`);
    const sealed = await sealCapture(body(), { tiers, keyOf, recipientsOf: () => ['a', 'e'] });
    const events = (sealed.document.epcisBody as { eventList: Record<string, unknown>[] }).eventList;
    expect(sealedProblem(sealed, events, true, ring, 19)).toBeUndefined();
    expect(sealedProblem(sealed, events, true, ring, 20)?.code).toBe(SealedCode.StaleKey);
  });
});

describe('the unsealer of a node that lacks a key of its org', () => {
  it('stops before the block sealed to it, says so once, and opens it once the key is loaded', async () => {
    const old = await generateEncryptionKey('x');
    const fresh = await generateEncryptionKey('x', 0, 2);
    const ring = new Map([
      [old.publicKey.kid, { ...old.publicKey, org: 'x', until: 2 }],
      [fresh.publicKey.kid, { ...fresh.publicKey, org: 'x', from: 2 }],
    ]);
    const sealed = await sealCapture(
      { ...body(), org: 'x' },
      { tiers, keyOf: () => fresh.publicKey, recipientsOf: () => ['x'] },
    );
    const tx = { id: 'tx1', body: sealed, signature: '' };
    const opened: number[] = [];
    let done = 0;
    const store = {
      isOpen: () => true,
      whenNoBlockWrite: async <T>(write: () => T) => write(),
      getBlock: (h: number) => (h <= 3 ? { block: { txs: h === 2 ? [tx] : [] } } : undefined),
      sealed: {
        unsealedHeight: () => done,
        putOpened: (h: number, events: unknown[]) => {
          done = h;
          if (events.length > 0) opened.push(h);
        },
      },
    };
    const errors: unknown[] = [];
    const logger = { error: (o: unknown) => errors.push(o), warn: () => undefined };
    const tiersAt = { at: () => tiers };
    const lacking = new Unsealer(
      store as never,
      new Decrypter([old.privateJwk]),
      tiersAt,
      logger as never,
      'x',
      () => ring,
    );
    lacking.committed(3);
    await lacking.idle();
    lacking.committed(3);
    await lacking.idle();
    expect(done).toBe(1);
    expect(errors).toEqual([{ height: 2, kid: 'x#2' }]);
    const withKey = new Unsealer(
      store as never,
      new Decrypter([old.privateJwk, fresh.privateJwk]),
      tiersAt,
      logger as never,
      'x',
      () => ring,
    );
    withKey.committed(3);
    await withKey.idle();
    expect(done).toBe(3);
    expect(opened).toEqual([2]);
  });
});
