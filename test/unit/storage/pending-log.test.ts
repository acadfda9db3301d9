import { describe, expect, it } from 'vitest';
import type { Transaction } from '../../../services/ledger/index.js';
import { type CaptureKey, PendingLog } from '../../../services/storage/pending-log.js';

const tx = (id: string) => ({ id, body: {}, signature: '' }) as unknown as Transaction;

describe('the pending log', () => {
  it("writes a sealed capture's key in the same write as the transactions of its turn", async () => {
    const writes: Array<{ txs: string[]; keys: readonly CaptureKey[] }> = [];
    const log = new PendingLog((txs, keys) => writes.push({ txs: txs.map((t) => t.id), keys }));
    const both = Promise.all([log.add(tx('t1')), log.addCaptureKey(['k1', 't1']), log.add(tx('t2'))]);
    await both;
    expect(writes).toEqual([{ txs: ['t1', 't2'], keys: [['k1', 't1']] }]);
    await log.addCaptureKey(['k2', 't3']);
    expect(writes[1]).toEqual({ txs: [], keys: [['k2', 't3']] });
  });

  it('writes once for a turn; a failed write fails every caller of it', async () => {
    const writes: number[] = [];
    const log = new PendingLog(() => {
      writes.push(Date.now());
      throw new Error('disk full');
    });
    const a = log.add(tx('t1'));
    const b = log.addCaptureKey(['k1', 't1']);
    await expect(a).rejects.toThrow('disk full');
    await expect(b).rejects.toThrow('disk full');
    expect(writes).toHaveLength(1);
  });
});
