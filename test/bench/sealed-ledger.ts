/**
 * A sealed network's work per event on one core, next to an open network's (docs/privacy.md):
 * at the capturing node, building the capture (in a sealed network: the plan of its recipients,
 * sealing and encryption); block apply at a recipient (the capturer, which receives
 * its own events) and at a node that receives none of them (public view and ciphertext only,
 * validation included); storing the plaintext at the capturer (as it sealed it: node/unsealer.ts)
 * and opening at another recipient (decrypt, check against the committed views and roots, store),
 * here the packer for shipments to it. CPU time of the process (all its threads), in µs
 * per event, for documents of PER_DOC events and blocks of BLOCK_EVENTS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../services/common/index.js';
import { generateEncryptionKey } from '../../services/crypto/index.js';
import { headerHash } from '../../services/ledger/index.js';
import { Mempool } from '../../services/mempool/index.js';
import { Unsealer } from '../../services/node/unsealer.js';
import { Decrypter } from '../../services/privacy/index.js';
import { commission, epc, PARTY, ship } from '../contracts/helpers.js';
import { Chain, documentOf, type Ev, ORGS, type Org } from '../ledger/chain.js';

const BLOCK_EVENTS = 500;
const PER_DOC = 50;

export interface SealedApplyCost {
  /** µs of CPU per event: building (and sealing) captures at the capturer. */
  capture: number;
  /** Block validation and apply at a recipient (the capturer). */
  applyRecipient: number;
  /** Block validation and apply at a node that receives none of the events. */
  applyOther: number;
  /** Storing the plaintext at the capturer, as it sealed it (sealed only). */
  keep: number;
  /** Opening at another recipient, the packer of shipments to it (sealed only). */
  open: number;
}

const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function run(
  mode: 'open' | 'sealed',
  items: number,
  keys: Awaited<ReturnType<typeof keyPairs>>,
): Promise<Record<string, SealedApplyCost>> {
  const chain = new Chain('farm', undefined, mode === 'sealed' ? keys : undefined);
  // A second node of the same network, of an org (retail) that none of these events concern.
  const otherDir = mkdtempSync(join(tmpdir(), 'waybill-sealed-bench-'));
  const otherStore = chain.openStore(otherDir);
  const other = chain.appOver(otherStore, new Mempool({ maxTxs: 10_000, maxBytes: 1e9 }));
  const logger = createLogger('silent');
  const tiers = chain.sealing?.tiers;
  const ring = () => chain.sealing?.keys ?? new Map();
  // The capturer's unsealer as the node wires it (node/sealing.ts): with what its sealing kept, so
  // it stores its own events as it sealed them instead of decrypting and checking them again.
  const unsealer =
    tiers &&
    new Unsealer(
      chain.store,
      new Decrypter([keys.farm.privateJwk]),
      tiers,
      logger,
      'farm',
      ring,
      undefined,
      chain.sealing?.sealedHere,
    );
  const otherUnsealer =
    tiers && new Unsealer(otherStore, new Decrypter([keys.retail.privateJwk]), tiers, logger, 'retail', ring);
  // A third node, the packer: the recipient of shipments to it, which opens them.
  const packerDir = mkdtempSync(join(tmpdir(), 'waybill-sealed-bench-'));
  const packerStore = chain.openStore(packerDir);
  const packer = chain.appOver(packerStore, new Mempool({ maxTxs: 10_000, maxBytes: 1e9 }));
  const packerUnsealer =
    tiers &&
    new Unsealer(packerStore, new Decrypter([keys.packer.privateJwk]), tiers, logger, 'packer', ring);
  const out: Record<string, SealedApplyCost> = {};
  try {
    const measure = async (label: string, make: (i: number) => Ev) => {
      const sum = { capture: 0, applyRecipient: 0, applyOther: 0, keep: 0, open: 0 };
      for (let at = 0; at < items; at += BLOCK_EVENTS) {
        const batch = Array.from({ length: Math.min(BLOCK_EVENTS, items - at) }, (_, i) => make(at + i));
        let t = cpu();
        const submitted = [];
        for (let d = 0; d < batch.length; d += PER_DOC) {
          const document = documentOf(batch.slice(d, d + PER_DOC));
          submitted.push(
            chain.app.submitCapture(document, { submitter: 'farm-erp', errorBehaviour: 'rollback' }),
          );
        }
        await Promise.all(submitted);
        sum.capture += cpu() - t;
        t = cpu();
        const block = chain.commit();
        sum.applyRecipient += cpu() - t;
        t = cpu();
        if (!other.validateBlock(block)) throw new Error('the other node refuses the block');
        chain.commitBlock(block, other);
        otherUnsealer?.committed(block.header.height, block);
        await otherUnsealer?.idle();
        sum.applyOther += cpu() - t;
        t = cpu();
        unsealer?.committed(block.header.height, block);
        await unsealer?.idle();
        sum.keep += cpu() - t;
        chain.commitBlock(block, packer);
        t = cpu();
        packerUnsealer?.committed(block.header.height, block);
        await packerUnsealer?.idle();
        sum.open += cpu() - t;
        if (headerHash(block.header) !== otherStore.tip().hash) throw new Error('the nodes disagree');
      }
      const per = (us: number) => Math.round((us / items) * 10) / 10;
      out[label] = {
        capture: per(sum.capture),
        applyRecipient: per(sum.applyRecipient),
        applyOther: per(sum.applyOther),
        keep: per(sum.keep),
        open: per(sum.open),
      };
      const r = out[label];
      console.log(
        `ledger ${mode}, ${label}: µs CPU per event: capture ${r.capture}, apply at a recipient ${r.applyRecipient}, at a non-recipient ${r.applyOther}${mode === 'sealed' ? `, store at the capturer ${r.keep}, open at the packer ${r.open}` : ''}`,
      );
    };
    await measure('commission', (i) => commission([epc(i)]));
    await measure('ship', (i) => ship([epc(i)], PARTY.packer));
    const opened = chain.store.sealed.unsealedHeight();
    if (mode === 'sealed' && opened !== chain.store.tip().height)
      throw new Error('not every block was opened');
    return out;
  } finally {
    packerStore.close();
    rmSync(packerDir, { recursive: true, force: true });
    otherStore.close();
    rmSync(otherDir, { recursive: true, force: true });
    chain.close();
  }
}

async function keyPairs() {
  const pairs = await Promise.all(ORGS.map((org) => generateEncryptionKey(org)));
  return Object.fromEntries(ORGS.map((org, i) => [org, pairs[i]])) as Record<
    Org,
    Awaited<ReturnType<typeof generateEncryptionKey>>
  >;
}

/** Per event costs of an open and a sealed network, one after the other. */
export async function sealedLedgerBenchmarks(
  items = 5_000,
): Promise<{ open: Record<string, SealedApplyCost>; sealed: Record<string, SealedApplyCost> }> {
  const keys = await keyPairs();
  const open = await run('open', items, keys);
  const sealed = await run('sealed', items, keys);
  return { open, sealed };
}
