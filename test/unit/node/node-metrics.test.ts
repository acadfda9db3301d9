import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerApp, RuleRegistry } from '../../../services/chain/index.js';
import { createSigner, generateSeed } from '../../../services/crypto/index.js';
import { Mempool } from '../../../services/mempool/index.js';
import { heapFigures } from '../../../services/node/heap.js';
import { NodeMetrics } from '../../../services/node/metrics.js';
import { Store } from '../../../services/storage/index.js';
import { commissioningDocument } from '../../support/documents.js';
import { firstBlock, oneMemberGenesis, RULE_FILES } from '../../support/ledger.js';
import { parsePrometheus } from '../../support/metrics.js';

const signer = createSigner(generateSeed());
const genesis = oneMemberGenesis(signer);

const LIMITS = { maxTxs: 100, maxBytes: 1e8 };

describe('rejections by code, from committed verdicts', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'waybill-metrics-'));
    store = Store.open(dir, { network: 'n', genesisHash: 'aa', genesisTimestamp: 0 });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts each refused event of a committed block under its reason code', async () => {
    const mempool = new Mempool(LIMITS);
    const rules = new RuleRegistry(store, RULE_FILES, genesis.members, 1);
    const metrics = new NodeMetrics();
    const app = new LedgerApp({
      genesis,
      self: 'grower',
      store,
      mempool,
      signer,
      rules,
      clock: Date.now,
      onCommitted: (_committed, execution) => metrics.countRejections(execution.results),
    });
    // The same two events twice, in transactions that differ by error behaviour (signed by a
    // second app, as this one refuses to queue an event twice): the second transaction's events
    // are duplicates.
    const doc = commissioningDocument(2);
    const first = app.submit(doc, { submitter: 'erp', errorBehaviour: 'rollback' }).tx;
    const twin = new LedgerApp({
      genesis,
      self: 'grower',
      store,
      mempool: new Mempool(LIMITS),
      signer,
      rules,
      clock: Date.now,
    });
    const second = twin.submit(doc, { submitter: 'erp', errorBehaviour: 'proceed' }).tx;
    const block = firstBlock([first, second], 'grower', 1, genesis.members);
    app.commit(block, 'ab'.repeat(32), { height: 1, round: 0, blockHash: 'ab'.repeat(32), signatures: [] });
    const samples = parsePrometheus(await metrics.registry.metrics());
    expect(samples.get('waybill_event_rejections_total{code="DUPLICATE_EVENT_ID"}')).toBe(2);
    expect(samples.get('waybill_event_rejections_total{code="ROLLED_BACK"}')).toBeUndefined();
  });

  it("serves each thread's V8 heap at scrape time, and no series for a thread that has not reported", async () => {
    const metrics = new NodeMetrics();
    let writer: ReturnType<typeof heapFigures> | undefined;
    metrics.watchHeaps(() => ({ main: heapFigures(), writer }));
    let samples = parsePrometheus(await metrics.registry.metrics());
    const physical = samples.get('waybill_heap_bytes{thread="main",kind="physical"}') ?? 0;
    const used = samples.get('waybill_heap_bytes{thread="main",kind="used"}') ?? 0;
    const young = samples.get('waybill_heap_bytes{thread="main",kind="young"}') ?? 0;
    expect(physical).toBeGreaterThan(used / 2);
    expect(used).toBeGreaterThan(1e6);
    expect(young).toBeGreaterThan(0);
    expect(young).toBeLessThan(physical);
    expect([...samples.keys()].some((k) => k.includes('thread="writer"'))).toBe(false);
    writer = { physical: 5e7, used: 3e7, young: 1.6e7, external: 2e6 };
    samples = parsePrometheus(await metrics.registry.metrics());
    expect(samples.get('waybill_heap_bytes{thread="writer",kind="young"}')).toBe(1.6e7);
  });

  it('serves the current view at scrape time', async () => {
    const metrics = new NodeMetrics();
    let round = 0;
    metrics.watchView(() => round);
    expect(parsePrometheus(await metrics.registry.metrics()).get('waybill_view')).toBe(0);
    round = 3;
    expect(parsePrometheus(await metrics.registry.metrics()).get('waybill_view')).toBe(3);
  });
});
