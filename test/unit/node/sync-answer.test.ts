import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../services/common/index.js';
import { SYNC_RATE, syncAnswerer } from '../../../services/node/wiring.js';

// A fake store of 100 small blocks: what is read is counted, so pacing shows as blocks not read.
function store() {
  let reads = 0;
  return {
    get reads() {
      return reads;
    },
    getBlock(height: number) {
      if (height > 100) return undefined;
      reads++;
      return { block: { header: { height } } } as never;
    },
  };
}

const blocksOf = (bytes: Uint8Array) =>
  (
    JSON.parse(new TextDecoder().decode(bytes)) as {
      blocks: Array<{ block: { header: { height: number } } }>;
    }
  ).blocks;

describe('sync answers', () => {
  it('serves the blocks asked for, and holds a peer asking in a loop to its rate', () => {
    let now = 0;
    const s = store();
    const answer = syncAnswerer(s, new RateLimiter(SYNC_RATE, () => now));
    expect(blocksOf(answer('p', { from: 5, limit: 3 })).map((b) => b.block.header.height)).toEqual([5, 6, 7]);
    // A member asking 1,000 times at once: its burst is served, the rest gets nothing read.
    let served = 1;
    for (let i = 0; i < 1_000; i++) if (blocksOf(answer('p', { from: 1, limit: 10 })).length > 0) served++;
    expect(served).toBe(SYNC_RATE.burst);
    expect(s.reads).toBe(3 + (SYNC_RATE.burst - 1) * 10);
    // Another peer is not held up; the first is served again once its bucket refills.
    expect(blocksOf(answer('q', { from: 1, limit: 2 }))).toHaveLength(2);
    now += 1_000 / SYNC_RATE.perSecond;
    expect(blocksOf(answer('p', { from: 1, limit: 2 }))).toHaveLength(2);
  });
});
