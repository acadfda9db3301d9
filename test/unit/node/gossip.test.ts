import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createSigner, generateSeed } from '../../../services/crypto/index.js';
import { signTx, type Transaction } from '../../../services/ledger/index.js';
import { Mempool } from '../../../services/mempool/index.js';
import { decodeTxBatch } from '../../../services/node/codec.js';
import { Gossip } from '../../../services/node/gossip.js';
import type { P2PNetwork } from '../../../services/p2p/types.js';

const signer = createSigner(generateSeed());
const capture = (n: number): Transaction =>
  signTx(
    {
      kind: 'capture',
      network: 'n',
      org: 'grower',
      submitter: 'erp',
      errorBehaviour: 'rollback',
      document: { n, epcisBody: { eventList: [] } },
    },
    signer,
  );

/** A P2P network that records what was broadcast on the mempool topic. */
function recorder(): { p2p: P2PNetwork; sent: string[][] } {
  const sent: string[][] = [];
  const p2p = {
    broadcast: (_protocol: string, payload: Uint8Array) => {
      sent.push(decodeTxBatch(payload)?.txs.map((t) => t.id) ?? ['malformed']);
    },
  } as unknown as P2PNetwork;
  return { p2p, sent };
}

describe('gossip', () => {
  it('sends the captures announced in one turn of the event loop as one batch, and later ones after', async () => {
    const mempool = new Mempool({ maxTxs: 100, maxBytes: 1e8 });
    const { p2p, sent } = recorder();
    const gossip = new Gossip({ p2p, mempool, self: 'grower', clock: Date.now });
    const txs = [1, 2, 3, 4].map(capture);
    for (const tx of txs) mempool.add(tx, JSON.stringify(tx).length);

    for (const tx of txs.slice(0, 3)) gossip.announce(tx);
    expect(sent).toEqual([]); // nothing leaves before the turn ends
    await nextTurn();
    expect(sent).toEqual([txs.slice(0, 3).map((t) => t.id)]);

    gossip.announce(txs[3] as Transaction);
    await nextTurn();
    expect(sent).toEqual([txs.slice(0, 3).map((t) => t.id), [txs[3]?.id]]);
    gossip.stop();
  });
});

describe('gossip re-announcement', () => {
  it('re-announces a pending transaction after resendMs, then after twice as long each time, up to the cap', async () => {
    const mempool = new Mempool({ maxTxs: 100, maxBytes: 1e8 });
    const { p2p, sent } = recorder();
    let now = 1_000;
    const gossip = new Gossip({
      p2p,
      mempool,
      self: 'grower',
      clock: () => now,
      resendMs: 100,
      maxResendMs: 400,
    });
    const tx = capture(1);
    mempool.add(tx, JSON.stringify(tx).length);
    gossip.announce(tx);
    await nextTurn();
    expect(sent).toHaveLength(1);

    // Sent again at +100, +300 (waited 200), +700 (400), +1100 (400: the cap), never in between.
    const resentAt: number[] = [];
    for (now = 1_000; now <= 3_000; now += 50) {
      const before = sent.length;
      gossip.resend();
      if (sent.length > before) resentAt.push(now - 1_000);
    }
    expect(resentAt).toEqual([100, 300, 700, 1100, 1500, 1900]);
    expect(sent.slice(1).every((ids) => ids.length === 1 && ids[0] === tx.id)).toBe(true);

    // Committed (gone from the mempool): never announced again.
    mempool.remove(tx.id);
    now += 10_000;
    const before = sent.length;
    gossip.resend();
    expect(sent).toHaveLength(before);
    gossip.stop();
  });
});
