import type { Logger } from '../common/index.js';
import type {
  ConsensusMessage,
  ConsensusTransport,
  DriverObserver,
  Evidence,
  Timers,
} from '../consensus/index.js';
import type { P2PNetwork } from '../p2p/index.js';
import { decodeSyncResponse, encode } from './codec.js';
import type { NodeMetrics } from './metrics.js';

/** The node's real ports for the consensus driver (consensus/driver.ts); the simulator has virtual ones. */
export const realTimers: Timers = {
  set: (fn, delayMs) => setTimeout(fn, delayMs),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Consensus messages over the p2p `consensus` topic; catch-up over the `sync` request protocol. */
export function consensusTransport(p2p: P2PNetwork): ConsensusTransport {
  return {
    broadcast: (message: ConsensusMessage) => p2p.broadcast('consensus', encode(message)),
    send: (to, message) => p2p.send(to, 'consensus', encode(message)),
    connectedPeers: () =>
      p2p
        .peers()
        .filter((p) => p.connected)
        .map((p) => p.id),
    fetchBlocks: (peer, from, limit, reply) => {
      p2p.request(peer, 'sync', encode({ from, limit })).then(
        (bytes) => reply({ blocks: decodeSyncResponse(bytes)?.blocks ?? [] }),
        (error: unknown) => reply({ error }),
      );
    },
  };
}

export function driverObserver(deps: {
  logger: Logger;
  metrics: NodeMetrics;
  onFatal: (err: unknown) => void;
  onEvidence: (evidence: Evidence) => void;
}): DriverObserver {
  const { logger, metrics } = deps;
  return {
    log(action) {
      logger[action.level]({ consensus: action.event, ...action.data }, action.event);
      // Warnings are messages the core refused (bad signature, non-member, equivocation, ...).
      // (The driver's own block_apply_slow is a warning about this node, not a refused message.)
      if (action.level === 'warn' && action.event !== 'block_apply_slow')
        metrics.consensusRejected.inc({ reason: action.event });
      if (action.event === 'round_started') metrics.roundChanges.inc();
    },
    synced: (blocks) => metrics.syncBlocks.inc(blocks),
    syncFailed: (peer) => metrics.syncFailures.inc({ peer }),
    syncError: (peer, err) => logger.warn({ peer, err: (err as Error).message }, 'sync from peer failed'),
    evidence: deps.onEvidence,
    fatal: deps.onFatal,
    measured: (work, ms) => metrics.blockWork.observe({ work }, ms / 1000),
  };
}
