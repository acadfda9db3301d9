/** The P2P layer's options, counters and public face beyond the P2PNetwork contract (types.ts). */
import type { P2PNetwork } from './types.js';

export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** pino-compatible: `(object, message)`. */
export interface P2PLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export const NO_LOG: P2PLogger = { info() {}, warn() {}, debug() {} };

export interface P2PMember {
  /** Org id (genesis member id). */
  id: string;
  /** libp2p peer id string, as `peerIdFromSeed` derives it from the member's node key. */
  peerId: string;
  /** Multiaddrs to dial: /ip4, /ip6, /dns4, /dns6 or /dns with /tcp. */
  addrs: string[];
}

export interface P2POptions {
  /** This node's org id; must be one of `members`. */
  self: string;
  /** 32-byte Ed25519 seed: the node key, which is also the libp2p identity. */
  seed: Uint8Array;
  /** Multiaddrs to listen on, e.g. `/ip4/0.0.0.0/tcp/9081`. */
  listen: string[];
  /** Every genesis member, self included. Nobody else may connect. */
  members: P2PMember[];
  /** Largest payload sent or accepted, per message, request and response. Default 16 MiB. */
  maxMessageBytes?: number;
  /** Default timeout of `request`. Default 10 s. */
  requestTimeoutMs?: number;
  /** Bound of each outbound (member, topic) queue, in messages. Default 1024. */
  maxQueuedMessages?: number;
  /** Bound of each outbound (member, topic) queue, in bytes. Default 4 × maxMessageBytes. */
  maxQueuedBytes?: number;
  /** Reconnect backoff: first delay and cap, doubled per failed dial, with jitter. Default 250 ms, 10 s. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** One dial attempt, all addresses of a member. Default 5 s. */
  dialTimeoutMs?: number;
  logger?: P2PLogger;
}

/** Counters since creation. Every message the layer gives up on is counted in one `dropped_*`. */
export interface P2PStats {
  /** Topic messages handed to a stream. */
  sent: number;
  /** Topic messages received from members (delivered to handlers, if any). */
  received: number;
  requests_served: number;
  /** Inbound frames over maxMessageBytes (the stream is reset), including oversized sync answers. */
  dropped_oversized: number;
  /** Own payloads over maxMessageBytes, refused before sending (send, broadcast, sync answers). */
  dropped_oversized_local: number;
  /** Connections and streams refused because the remote peer is not a genesis member. */
  dropped_nonmember: number;
  /** Oldest queued messages dropped because an outbound queue was full. */
  dropped_queue_overflow: number;
  /** Messages for a member with no open connection (sent while disconnected, or queued at disconnect). */
  dropped_disconnected: number;
  /** Messages lost because a stream could not be opened or written. */
  dropped_send_failed: number;
  /** send() to an org id that is not another genesis member. */
  dropped_unknown_member: number;
  /** Dial attempts that failed. */
  dial_failures: number;
}

export function zeroStats(): P2PStats {
  return {
    sent: 0,
    received: 0,
    requests_served: 0,
    dropped_oversized: 0,
    dropped_oversized_local: 0,
    dropped_nonmember: 0,
    dropped_queue_overflow: 0,
    dropped_disconnected: 0,
    dropped_send_failed: 0,
    dropped_unknown_member: 0,
    dial_failures: 0,
  };
}

export interface WaybillP2PNetwork extends P2PNetwork {
  /** This node's libp2p peer id. */
  readonly peerId: string;
  stats(): P2PStats;
  /** Addresses actually listened on (with the real port when 0 was asked for). */
  listenAddrs(): string[];
  /** libp2p peer ids of every remote with an open connection: genesis members only, by the gater. */
  connectedPeerIds(): string[];
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
