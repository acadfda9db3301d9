import { describe, expect, it } from 'vitest';
import { PEER_MESSAGE_RATE, wire } from '../../../services/node/wiring.js';

type Handler = (from: string, payload: Uint8Array) => void;

/** wire() on fakes: the P2P handlers it registers, and what reaches the driver and the ledger. */
function wired() {
  let now = 0;
  const handlers = new Map<string, Handler>();
  const rejected: Record<string, number> = {};
  let received = 0;
  wire({
    p2p: {
      onMessage: (protocol: string, h: Handler) => handlers.set(protocol, h),
      handle: () => undefined,
      onPeerConnected: () => undefined,
    } as never,
    app: {
      adoptKnownTxs: (m: never) => m,
      receive: () => {
        received++;
        return [];
      },
    },
    driver: { dispatch: () => undefined },
    gossip: { sendPendingTo: () => undefined },
    logger: { warn: () => undefined } as never,
    metrics: {
      mempoolSize: { set: () => undefined },
      consensusRejected: {
        inc: ({ reason }: { reason: string }) => (rejected[reason] = (rejected[reason] ?? 0) + 1),
      },
      watchView: () => undefined,
    } as never,
    core: { status: { round: 0 } } as never,
    store: { getBlock: () => undefined },
    mempool: { size: 0 },
    clock: () => now,
  });
  const send = (protocol: string, from: string, payload: Uint8Array) =>
    handlers.get(protocol)?.(from, payload);
  return { send, rejected, received: () => received, advance: (ms: number) => (now += ms) };
}

describe('per-peer message rate', () => {
  it('drops what a member floods past its rate before decoding it, and holds up no other member', () => {
    const w = wired();
    const garbage = new TextEncoder().encode('{}');
    for (let i = 0; i < PEER_MESSAGE_RATE.burst + 500; i++) w.send('consensus', 'mallory', garbage);
    // Its burst is decoded (and refused as malformed); the rest is never parsed.
    expect(w.rejected).toEqual({ malformed: PEER_MESSAGE_RATE.burst, rate_limited: 500 });
    w.send('consensus', 'honest', garbage);
    expect(w.rejected.malformed).toBe(PEER_MESSAGE_RATE.burst + 1);
    // Transaction batches count apart from consensus messages.
    const batch = new TextEncoder().encode(JSON.stringify({ txs: [] }));
    for (let i = 0; i < PEER_MESSAGE_RATE.burst + 10; i++) w.send('mempool', 'mallory', batch);
    expect(w.received()).toBeLessThanOrEqual(PEER_MESSAGE_RATE.burst);
    // A second later its bucket has refilled by the per-second rate.
    w.advance(1_000);
    w.send('consensus', 'mallory', garbage);
    expect(w.rejected.malformed).toBe(PEER_MESSAGE_RATE.burst + 2);
  });
});
