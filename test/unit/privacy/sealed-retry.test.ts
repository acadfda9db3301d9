import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../../services/crypto/index.js';
import { commission, epc } from '../../contracts/helpers.js';
import { Chain, documentOf, ORGS, type Org } from '../../ledger/chain.js';

// A retried sealed capture is the same transaction although sealing draws fresh seeds and keys
// (docs/privacy.md): while it is being sealed (the same promise) and once its capture key is on
// disk (acks.sqlite), where the retry finds it after the sealed body is no longer held in memory.

let chain: Chain;

beforeAll(async () => {
  const pairs = await Promise.all(ORGS.map((org) => generateEncryptionKey(org)));
  const keys = Object.fromEntries(ORGS.map((org, i) => [org, pairs[i]])) as Record<
    Org,
    Awaited<ReturnType<typeof generateEncryptionKey>>
  >;
  chain = new Chain('farm', undefined, keys);
});

afterAll(() => chain.store.close());

const ctx = { submitter: 'farm-erp', errorBehaviour: 'rollback' as const };

describe('a retried sealed capture', () => {
  it('is the same transaction while in flight, once durable, and once committed', async () => {
    const document = documentOf([commission([epc('retry-1')], { eventID: 'urn:uuid:retry-1' })]);
    const [first, concurrent] = await Promise.all([
      chain.app.submitCapture(document, ctx),
      chain.app.submitCapture(document, ctx),
    ]);
    expect(concurrent.tx.id).toBe(first.tx.id);
    expect(first.fresh).toBe(true);
    await first.durable;
    // Let the in-flight entry go (it is dropped once the capture key is durable).
    await new Promise((r) => setImmediate(r));

    const afterDurable = await chain.app.submitCapture(document, ctx);
    expect(afterDurable.tx.id).toBe(first.tx.id);
    expect(afterDurable.fresh).toBe(false);
    expect(chain.mempool.size).toBe(1);

    chain.commit();
    const afterCommit = await chain.app.submitCapture(document, ctx);
    expect(afterCommit.tx.id).toBe(first.tx.id);
    expect(afterCommit.fresh).toBe(false);
    expect(chain.mempool.size).toBe(0);
  });

  it('with another document is another transaction', async () => {
    const a = await chain.app.submitCapture(documentOf([commission([epc('retry-2')])]), ctx);
    const b = await chain.app.submitCapture(documentOf([commission([epc('retry-3')])]), ctx);
    expect(a.tx.id).not.toBe(b.tx.id);
  });
});
