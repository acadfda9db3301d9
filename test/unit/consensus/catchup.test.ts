import { describe, expect, it } from 'vitest';
import { PeerHeights } from '../../../services/consensus/catchup.js';

describe('PeerHeights', () => {
  it('answers a burst of ever-higher claims from one peer with one sync per retry period', () => {
    const heights = new PeerHeights(100, 1_000);
    let emitted = 0;
    // A lying member claims a new far-future height in each of 1,000 messages within 1 s.
    for (let i = 0; i < 1_000; i++) {
      if (heights.shouldEmit('ahead', 'liar', 1_000_000 + i, false, i)) emitted++;
    }
    expect(emitted).toBe(1);
    expect(heights.shouldEmit('ahead', 'liar', 5_000_000, false, 1_000)).toBe(true);
    // Another peer, and the other direction, are paced on their own.
    expect(heights.shouldEmit('ahead', 'honest', 12, false, 500)).toBe(true);
    expect(heights.shouldEmit('behind', 'liar', 3, false, 500)).toBe(true);
  });

  it('waits out the grace for a peer one height away, and acts at once further away', () => {
    const heights = new PeerHeights(100, 1_000);
    expect(heights.shouldEmit('ahead', 'p', 11, true, 0)).toBe(false);
    expect(heights.shouldEmit('ahead', 'p', 11, true, 99)).toBe(false);
    expect(heights.shouldEmit('ahead', 'p', 11, true, 100)).toBe(true);
    const other = new PeerHeights(100, 1_000);
    expect(other.shouldEmit('ahead', 'p', 11, true, 0)).toBe(false);
    expect(other.shouldEmit('ahead', 'p', 15, false, 10)).toBe(true);
  });

  it('forgets what it paced when this node reaches a new height', () => {
    const heights = new PeerHeights(100, 1_000);
    expect(heights.shouldEmit('ahead', 'p', 50, false, 0)).toBe(true);
    expect(heights.shouldEmit('ahead', 'p', 50, false, 10)).toBe(false);
    heights.clear();
    expect(heights.shouldEmit('ahead', 'p', 50, false, 20)).toBe(true);
  });
});
