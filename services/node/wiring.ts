import type { LedgerApp, OnCommitted } from '../chain/index.js';
import { type Logger, type RateLimit, RateLimiter } from '../common/index.js';
import type { Clock, ConsensusCore, ConsensusDriver } from '../consensus/index.js';
import type { Mempool } from '../mempool/index.js';
import type { P2PNetwork } from '../p2p/index.js';
import type { Store } from '../storage/index.js';
import { decodeConsensus, decodeSyncRequest, decodeTxBatch } from './codec.js';
import type { Gossip } from './gossip.js';
import type { NodeMetrics } from './metrics.js';

/** What the core's view of the mempool needs: the mempool's size, its gauge and the driver. */
export interface MempoolSignalComponents {
  mempool: Pick<Mempool, 'size'>;
  metrics: Pick<NodeMetrics, 'mempoolSize'>;
  driver: Pick<ConsensusDriver, 'dispatch'>;
  clock: Clock;
}

/** What wiring the protocols to the node needs (the js-libp2p way: declared, passed in by node.ts). */
export interface WiringComponents extends MempoolSignalComponents {
  p2p: P2PNetwork;
  app: Pick<LedgerApp, 'adoptKnownTxs' | 'receive'>;
  gossip: Pick<Gossip, 'sendPendingTo'>;
  logger: Logger;
  metrics: Pick<NodeMetrics, 'mempoolSize' | 'consensusRejected' | 'watchView'>;
  core: Pick<ConsensusCore, 'status'>;
  store: Pick<Store, 'getBlock'>;
}

export interface CommitBookkeepingComponents {
  metrics: Pick<NodeMetrics, 'countRejections' | 'height' | 'commits' | 'committedTxs' | 'round'>;
  gossip: Pick<Gossip, 'forget'>;
  core: Pick<ConsensusCore, 'status'>;
}

const SYNC_MAX_BYTES = 8 * 1024 * 1024;
/**
 * Sync answers each peer may have: each reads up to SYNC_MAX_BYTES of blocks from disk, so a member
 * asking in a loop is held to 10 a second (80 MB/s), far above what an honest catch-up asks
 * (one request per answer it has applied).
 */
export const SYNC_RATE: RateLimit = { perSecond: 10, burst: 20 };

/**
 * Consensus messages and transaction batches each member may send a second, past which they are
 * dropped before they are decoded or a signature is checked. An honest member sends a proposal,
 * two votes and their re-sends per round, a batch per event-loop turn of captures, and up to 20
 * pushed decisions per catch-up: tens a second, hundreds at most. Both kinds are sent again by
 * their author (the retransmission tick, the origin's re-announcement), so a dropped one costs a
 * retry, never a message; what a faulty member can make this node parse and verify stays bounded.
 */
export const PEER_MESSAGE_RATE: RateLimit = { perSecond: 1_000, burst: 2_000 };

/** Connects the P2P protocols, the ledger and the consensus driver to each other. */
export function wire(parts: WiringComponents): void {
  const { p2p, app, driver, gossip, logger, metrics, clock } = parts;
  const txsAvailable = () => mempoolChanged(parts);
  const peerRate = new RateLimiter(PEER_MESSAGE_RATE, clock);
  p2p.onMessage('consensus', (from, payload) => {
    if (peerRate.take(`consensus\u0000${from}`) > 0) {
      metrics.consensusRejected.inc({ reason: 'rate_limited' });
      return;
    }
    const decoded = decodeConsensus(payload);
    if (decoded) {
      const message = app.adoptKnownTxs(decoded);
      return driver.dispatch({ type: 'message', from, message, now: clock() });
    }
    metrics.consensusRejected.inc({ reason: 'malformed' });
    logger.warn({ peer: from }, 'malformed consensus message dropped');
  });
  p2p.onMessage('mempool', (from, payload) => {
    if (peerRate.take(`mempool\u0000${from}`) > 0) return; // the origin announces it again
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
  store: WiringComponents['store'],
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
export function mempoolChanged({ mempool, metrics, driver, clock }: MempoolSignalComponents): void {
  metrics.mempoolSize.set(mempool.size);
  driver.dispatch({ type: 'txs_available', available: mempool.size > 0, now: clock() });
}

/** After a commit: the node's metrics follow the chain, and gossip forgets what is now committed. */
export function commitBookkeeping(parts: CommitBookkeepingComponents): OnCommitted {
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
export function certifyProofsPromptly(parts: MempoolSignalComponents): OnCommitted {
  const { driver, clock } = parts;
  return (committed) => {
    if (committed.block.txs.length > 0) {
      driver.dispatch({ type: 'txs_available', available: true, now: clock() });
    } else mempoolChanged(parts);
  };
}
