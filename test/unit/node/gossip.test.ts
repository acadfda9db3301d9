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
