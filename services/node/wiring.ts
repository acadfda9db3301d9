import type { OnCommitted } from '../chain/index.js';
import { type RateLimit, RateLimiter } from '../common/index.js';
import { decodeConsensus, decodeSyncRequest, decodeTxBatch } from './codec.js';
import type { NodeParts } from './parts.js';

const SYNC_MAX_BYTES = 8 * 1024 * 1024;
/**
 * Sync answers each peer may have: each reads up to SYNC_MAX_BYTES of blocks from disk, so a member
 * asking in a loop is held to 10 a second (80 MB/s), far above what an honest catch-up asks
 * (one request per answer it has applied).
 */
export const SYNC_RATE: RateLimit = { perSecond: 10, burst: 20 };

/** Connects the P2P protocols, the ledger and the consensus driver to each other. */
export function wire(parts: NodeParts): void {
  const { p2p, app, driver, gossip, logger, metrics, clock } = parts;
  const txsAvailable = () => mempoolChanged(parts);
  p2p.onMessage('consensus', (from, payload) => {
    const decoded = decodeConsensus(payload);
    if (decoded) {
      const message = app.adoptKnownTxs(decoded);
      return driver.dispatch({ type: 'message', from, message, now: clock() });
    }
    metrics.consensusRejected.inc({ reason: 'malformed' });
    logger.warn({ peer: from }, 'malformed consensus message dropped');
  });
  p2p.onMessage('mempool', (from, payload) => {
    const batch = decodeTxBatch(payload);
    if (!batch) return logger.warn({ peer: from }, 'malformed transaction batch dropped');
    if (app.receive(batch.txs, payload.byteLength).length > 0) txsAvailable();
  });
  const answerSync = syncAnswerer(parts.store, new RateLimiter(SYNC_RATE, clock));
  p2p.handle('sync', async (from, payload) => answerSync(from, decodeSyncRequest(payload)));
  p2p.onPeerConnected((peer) => {
    driver.dispatch({ type: 'peer_connected', peer, now: clock() });
    gossip.sendPendingTo(peer);
  });
  metrics.watchView(() => parts.core.status.round);
}

/**
 * Answers sync requests: `{"blocks": [...]}`, each block serialized once, up to SYNC_MAX_BYTES. A peer
 * past its rate gets no blocks (as from a node that has none): its catch-up retries later.
 */
export function syncAnswerer(
  store: Pick<NodeParts['store'], 'getBlock'>,
  limiter: RateLimiter,
): (peer: string, request: { from: number; limit: number } | undefined) => Uint8Array {
  return (peer, request) => {
    if (limiter.take(peer) > 0) return new TextEncoder().encode('{"blocks":[]}');
    const blocks: string[] = [];
    let bytes = 0;
    for (
      let h = request?.from ?? 1;
      request && h < request.from + request.limit && bytes < SYNC_MAX_BYTES;
      h++
    ) {
      const committed = store.getBlock(h);
      if (!committed) break;
      const json = JSON.stringify(committed);
      bytes += json.length;
      blocks.push(json);
    }
    return new TextEncoder().encode(`{"blocks":[${blocks.join(',')}]}`);
  };
}

/** The mempool grew or shrank: the gauge and the core's view of it follow. */
export function mempoolChanged({ mempool, metrics, driver, clock }: NodeParts): void {
  metrics.mempoolSize.set(mempool.size);
  driver.dispatch({ type: 'txs_available', available: mempool.size > 0, now: clock() });
}

/** After a commit: the node's metrics follow the chain, and gossip forgets what is now committed. */
export function commitBookkeeping(parts: NodeParts): OnCommitted {
  const { metrics, gossip, core } = parts;
  return (committed, execution) => {
    metrics.countRejections(execution.results);
    metrics.height.set(committed.block.header.height);
    metrics.commits.inc();
    metrics.committedTxs.inc(committed.block.txs.length);
    metrics.round.set(core.status.round);
    for (const tx of committed.block.txs) gossip.forget(tx.id);
  };
}

/**
 * Policy: a block's verdicts and state root are certified by the next header, so after a block
 * with transactions one more block follows at once, and proofs need not wait for the heartbeat.
 * After an empty block the core only hears whether the mempool still holds anything.
 */
export function certifyProofsPromptly(parts: NodeParts): OnCommitted {
  const { driver, clock } = parts;
  return (committed) => {
    if (committed.block.txs.length > 0) {
      driver.dispatch({ type: 'txs_available', available: true, now: clock() });
    } else mempoolChanged(parts);
  };
}
