import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerApp, RuleRegistry } from '../../services/chain/index.js';
import { createSigner, generateSeed } from '../../services/crypto/index.js';
import { Mempool } from '../../services/mempool/index.js';
import { Store } from '../../services/storage/index.js';
import { commissioningDocument } from '../support/documents.js';
import { oneMemberGenesis, RULE_FILES } from '../support/ledger.js';
import { capture, expectProblem, type Harness, harness } from './support.js';

const signer = createSigner(generateSeed());
const genesis = oneMemberGenesis(signer);

/** The API in front of a real ledger application whose mempool bounds the backlog at 20 cost units. */
describe('POST /capture under overload (backlog bound)', () => {
  let dir: string;
  let store: Store;
  let mempool: Mempool;
  let now = 1_000_000;
  let h: Harness;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'waybill-backpressure-'));
    store = Store.open(dir, { network: 'n', genesisHash: 'aa', genesisTimestamp: 0 });
    mempool = new Mempool({ maxTxs: 100, maxBytes: 1e8, maxCost: 20 });
    const app = new LedgerApp({
      genesis,
      self: 'grower',
      store,
      mempool,
      signer,
      rules: new RuleRegistry(store, RULE_FILES, genesis.members, 1),
      clock: () => now,
    });
    h = await harness();
    h.node.submit = async (document, ctx) => {
      const { tx, durable } = await app.submitCapture(document, ctx);
      await durable;
      return { captureID: tx.id };
    };
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 429 MEMPOOL_FULL with a Retry-After from the drain rate, and keeps what it acknowledged', async () => {
    const token = await h.token();
    const post = () => h.call(capture(token, commissioningDocument(8))); // 1 + 8 × 2 = 17 each
    const first = await post();
    expect(first.statusCode).toBe(202);
    const refused = await post(); // 17 + 17 > 20; nothing has drained yet to measure a rate by
    expect(expectProblem(refused, 429, 'MEMPOOL_FULL').retryAfterSeconds).toBe(1);
    expect(refused.headers['retry-after']).toBe('1');

    // Four seconds later the first capture commits: 17 units in 4 s drain at 4.25 units/s.
    now += 4_000;
    const { captureID } = first.json() as { captureID: string };
    mempool.remove(captureID);
    const second = await post(); // an empty backlog takes it
    expect(second.statusCode).toBe(202);
    const again = await post(); // 14 units over the bound: 14 / 4.25 → 4 s
    expect(expectProblem(again, 429, 'MEMPOOL_FULL').retryAfterSeconds).toBe(4);
    expect(again.headers['retry-after']).toBe('4');

    // Every 202 is on disk and waiting; no refused capture is.
    const { captureID: kept } = second.json() as { captureID: string };
    expect(mempool.has(kept)).toBe(true);
    expect(store.pendingTxs().map((t) => t.id)).toEqual([captureID, kept]);
    expect(mempool.size).toBe(1);
  });
});
