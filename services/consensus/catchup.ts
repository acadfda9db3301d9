import type { ConsensusMessage } from './types.js';

export interface Buffered {
  from: string;
  message: ConsensusMessage;
}

/**
 * Messages for the next height, kept until this node commits the current one: the fast nodes'
 * proposal and votes for height+1 routinely arrive before our own commit. Bounded so a faulty
 * peer cannot grow it; anything dropped here is re-sent by its author on its next timeout.
 */
export class FutureBuffer {
  private items: Buffered[] = [];
  /** Signatures held: re-sent copies of a message are kept once. */
  private keys = new Set<string>();

  constructor(private readonly limit: number) {}

  /** False when full. */
  push(item: Buffered): boolean {
    const m = item.message;
    const key = m.type === 'decision' ? `decision ${m.certificate.blockHash}` : m.signature;
    if (this.keys.has(key)) return true;
    if (this.items.length >= this.limit) return false;
    this.keys.add(key);
    this.items.push(item);
    return true;
  }

  /** Empties the buffer, returning what it held in arrival order. */
  take(): Buffered[] {
    const out = this.items;
    this.items = [];
    this.keys = new Set();
    return out;
  }
}

interface Seen {
  /** The height the peer last claimed. */
  height: number;
  first: number;
  lastEmitted: number;
}

/**
 * Decides when to ask the driver for catch-up (`sync_from` / `peer_behind`). A message one height
 * away is normal (a commit raced its votes), so it counts only once the peer has stayed there for
 * `graceMs`; further away it counts at once. After that, at most one action per peer and direction
 * every `retryMs`, whatever heights it claims: a sync asks for everything from our height on, so a
 * peer claiming a new far-future height in every message costs one bounded sync, not one per
 * message, and what is remembered stays one entry per peer and direction.
 */
export class PeerHeights {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly graceMs: number,
    private readonly retryMs: number,
  ) {}

  shouldEmit(
    kind: 'ahead' | 'behind',
    peer: string,
    height: number,
    adjacent: boolean,
    now: number,
  ): boolean {
    const key = `${kind}\u0000${peer}`;
    let s = this.seen.get(key);
    if (!s) {
      s = { height, first: now, lastEmitted: Number.NEGATIVE_INFINITY };
      this.seen.set(key, s);
    } else if (s.height !== height) {
      // A new claim starts its own grace; the pace of actions towards this peer is kept.
      s.height = height;
      s.first = now;
    }
    if (adjacent && now - s.first < this.graceMs) return false;
    if (now - s.lastEmitted < this.retryMs) return false;
    s.lastEmitted = now;
    return true;
  }

  /** Called on every new height: what was "one away" is now a different distance. */
  clear(): void {
    this.seen.clear();
  }
}
