import { describe, expect, it } from 'vitest';
import { MemberBook } from '../../../services/chain/index.js';
import { toHex } from '../../../services/common/index.js';
import type { Genesis } from '../../../services/config/index.js';
import {
  createSigner,
  type EncryptionPrivateJwk,
  generateEncryptionKey,
  generateIssuerKey,
  generateSeed,
  publicKeyOf,
} from '../../../services/crypto/index.js';
import type { GovernedProposal } from '../../../services/execution/index.js';
import { executeBlock } from '../../../services/execution/index.js';
import {
  type CaptureTxBody,
  type MemberFile,
  signMemberFile,
  signTx,
} from '../../../services/ledger/index.js';
import { sealingOf } from '../../../services/node/sealing.js';
import { peerIdFromSeed } from '../../../services/p2p/index.js';
import {
  Decrypter,
  NON_MEMBER_PLACEHOLDER,
  openCapture,
  Recipients,
  recipientsOf,
  SealedCode,
  sealBody,
  staleViewProblem,
} from '../../../services/privacy/index.js';
import { firstBlock, memoryContext, RULE_FILES } from '../../support/ledger.js';

// The public view of an event resolves its parties and sites against the members at the height
// it is sealed for (docs/privacy.md), not against genesis alone: a member admitted by governance
// is a member to the custody rules and the recipients, so its party and site must stay in the view.

const party = (n: number) => `urn:epc:id:pgln:061414${n}.00000`;
const site = (n: number) => `urn:epc:id:sgln:061414${n}.00001.0`;

async function memberFile(id: string, n: number): Promise<{ file: MemberFile; key: EncryptionPrivateJwk }> {
  const seed = generateSeed();
  const enc = await generateEncryptionKey(id);
  const file = signMemberFile(
    {
      id,
      name: id,
      parties: [party(n)],
      locations: [site(n)],
      publicKey: toHex(publicKeyOf(seed)),
      peerId: peerIdFromSeed(seed),
      jwtIssuerKey: (await generateIssuerKey(id)).publicJwk,
      encryptionKeys: [enc.publicKey],
      host: '127.0.0.1',
      apiPort: 1,
      p2pPort: 2,
    },
    createSigner(seed),
  );
  return { file, key: enc.privateJwk };
}

const ADMITTED_AT = 10;

async function network(admit: boolean) {
  const genesis = await Promise.all(['a', 'b', 'c', 'd'].map((id, i) => memberFile(id, i)));
  const e = await memberFile('e', 5);
  const activated: GovernedProposal[] = admit
    ? [
        {
          hash: 'h1',
          subject: 'member',
          proposer: 'a',
          proposedHeight: ADMITTED_AT - 2,
          approvals: [],
          activationHeight: ADMITTED_AT,
          change: { action: 'add', member: e.file },
        },
      ]
    : [];
  const store = {
    membership: { activated: () => activated, proposal: () => undefined, proposals: () => [] },
  };
  const members = genesis.map((m) => m.file);
  const book = new MemberBook(store as never, members);
  const config = {
    genesis: { privacy: 'sealed', members, rules: RULE_FILES } as unknown as Genesis,
    seed: generateSeed(),
    encryptionKeys: [],
  };
  const sealing = sealingOf(config as never, {} as never, book, {} as never);
  if (!sealing) throw new Error('a sealed network has sealing parts');
  return { book, sealing: sealing.config, eKey: e.key };
}

/** org a ships to e's party at e's site (e admitted at height 10). */
function shipment(): CaptureTxBody {
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
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            eventID: 'urn:uuid:6f1d2c1e-0000-4000-8000-00000000000e',
            eventTime: '2026-06-01T08:00:00.000Z',
            eventTimeZoneOffset: '+00:00',
            action: 'OBSERVE',
            bizStep: 'shipping',
            disposition: 'in_transit',
            epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
            readPoint: { id: site(0) },
            bizLocation: { id: site(5) },
            sourceList: [{ type: 'possessing_party', source: party(0) }],
            destinationList: [
              { type: 'possessing_party', destination: party(5) },
              { type: 'location', destination: site(5) },
            ],
            bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000029:PO-1' }],
          },
        ],
      },
    },
  };
}

const viewOf = (body: CaptureTxBody) =>
  (body.document.epcisBody as { eventList: Record<string, unknown>[] }).eventList[0] as Record<
    string,
    unknown
  >;

/** The sealed body alone (sealBody also hands back the events as sealed, for the capturer to keep). */
async function sealBodyOnly(...args: Parameters<typeof sealBody>): Promise<CaptureTxBody> {
  return (await sealBody(...args)).body;
}

describe('the public view of a member admitted by governance', () => {
  it("keeps the admitted member's party and site from its admission on, so the rules and recipients see a member", async () => {
    const { book, sealing, eKey } = await network(true);
    const body = await sealBodyOnly(shipment(), sealing, ADMITTED_AT + 1, () => ['a', 'e']);
    const view = viewOf(body);
    expect(view.destinationList).toEqual([
      { type: 'possessing_party', destination: party(5) },
      { type: 'location', destination: site(5) },
    ]);
    expect(view.bizLocation).toEqual({ id: site(5) });
    expect(body.viewHeight).toBe(ADMITTED_AT + 1);
    // Recipients (as execution computes them from the committed view) include the admitted member.
    const empty = { getObject: () => undefined };
    const policy = new Recipients(book, book).at(ADMITTED_AT + 1);
    const input = { event: view, org: 'a', timestamp: 0, before: empty, after: empty };
    expect(recipientsOf(input, policy)).toEqual(['a', 'e']);
    // Every node accepts the views at the height they were built for and later while the members'
    // parties and sites stay the same.
    expect(staleViewProblem(body, sealing.tiers, ADMITTED_AT + 1)).toBeUndefined();
    expect(staleViewProblem(body, sealing.tiers, ADMITTED_AT + 50)).toBeUndefined();
    // The admitted member opens it, checked against the members the views were built with.
    const opened = await openCapture(body, new Decrypter([eKey]), sealing.tiers.at(body.viewHeight ?? 0));
    expect(opened.faults).toEqual([]);
    expect(opened.events[0]?.event).toEqual(viewOf(shipment()));

    // Before the admission e's party and site are nobody's: sealed, as for any non-member.
    const before = viewOf(await sealBodyOnly(shipment(), sealing, ADMITTED_AT - 1, () => ['a']));
    expect(before.destinationList).toEqual([
      { type: 'possessing_party', destination: NON_MEMBER_PLACEHOLDER },
      { type: 'location', destination: NON_MEMBER_PLACEHOLDER },
    ]);
    expect(before.bizLocation).toBeUndefined();
  });

  it('refuses, on every node, views built against a member set whose parties or sites changed before the block', async () => {
    const { sealing } = await network(true);
    // Sealed by a node whose next height was 9 (genesis's members), ordered at 10 or later.
    const early = await sealBodyOnly(shipment(), sealing, ADMITTED_AT - 1, () => ['a']);
    expect(early.viewHeight).toBeUndefined();
    expect(staleViewProblem(early, sealing.tiers, ADMITTED_AT - 1)).toBeUndefined();
    expect(staleViewProblem(early, sealing.tiers, ADMITTED_AT)?.code).toBe(SealedCode.StaleView);
    // A view height above the block's is no height the capturer could have known.
    const late = await sealBodyOnly(shipment(), sealing, ADMITTED_AT + 1, () => ['a', 'e']);
    expect(staleViewProblem(late, sealing.tiers, ADMITTED_AT)?.code).toBe(SealedCode.Malformed);
  });

  it('is what execution checks: stale views are refused as SEALED_STALE_VIEW, views of the height in force are judged', async () => {
    const { book, sealing } = await network(true);
    const signer = createSigner(generateSeed());
    const verdictAt = async (sealedFor: number, height: number) => {
      const body = await sealBodyOnly(shipment(), sealing, sealedFor, () =>
        sealedFor >= ADMITTED_AT ? ['a', 'e'] : ['a'],
      );
      const tx = signTx(body, signer);
      const block = firstBlock([tx]);
      const ctx = { ...memoryContext(), recipients: new Recipients(book, book), sealing };
      const [result] = executeBlock({ ...block, header: { ...block.header, height } }, ctx).results;
      return result?.verdicts[0]?.code;
    };
    expect(await verdictAt(ADMITTED_AT - 1, ADMITTED_AT)).toBe(SealedCode.StaleView);
    expect(await verdictAt(ADMITTED_AT + 1, ADMITTED_AT + 1)).not.toMatch(/^SEALED_/);
    expect(await verdictAt(ADMITTED_AT - 3, ADMITTED_AT - 1)).not.toMatch(/^SEALED_/);
  });

  it('seals a network whose members never changed exactly as before: no viewHeight, genesis resolution', async () => {
    const { sealing } = await network(false);
    const body = await sealBodyOnly(shipment(), sealing, 500, () => ['a']);
    expect('viewHeight' in body).toBe(false);
    expect(viewOf(body).destinationList).toEqual([
      { type: 'possessing_party', destination: NON_MEMBER_PLACEHOLDER },
      { type: 'location', destination: NON_MEMBER_PLACEHOLDER },
    ]);
    expect(staleViewProblem(body, sealing.tiers, 500)).toBeUndefined();
  });
});
