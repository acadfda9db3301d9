import { DomainError } from '../common/index.js';

/**
 * The p2p layer's stable codes. They never reach an API client (no HTTP status): callers (the
 * consensus transport, gossip, catch-up) and logs tell failures apart by them.
 */
export const P2PErrorCode = {
  /** Genesis lists a member twice, or an address names another peer, or self is missing. */
  MembersInvalid: 'P2P_MEMBERS_INVALID',
  /** A request to an org id that is not another member. */
  NotAMember: 'P2P_NOT_A_MEMBER',
  /** The network is not running (not started, or stopped). */
  NotRunning: 'P2P_NOT_RUNNING',
  /** The member has no open connection (or this node is isolated, for fault injection). */
  NotConnected: 'P2P_NOT_CONNECTED',
  /** A payload or an answer over maxMessageBytes. */
  TooLarge: 'P2P_TOO_LARGE',
  /** A request for a protocol this node serves no handler for. */
  NoHandler: 'P2P_NO_HANDLER',
  /** A peer's stream ended or closed before a complete frame. */
  StreamEnded: 'P2P_STREAM_ENDED',
  /** A stream refused or aborted by this node (a non-member, isolation, shutdown). */
  Refused: 'P2P_REFUSED',
} as const;
export type P2PErrorCode = (typeof P2PErrorCode)[keyof typeof P2PErrorCode];

export type P2PErrorMeta = {
  /** Org id of the member concerned. */
  peer?: string;
  protocol?: string;
  bytes?: number;
  limit?: number;
};

export class P2PError extends DomainError<P2PErrorCode, P2PErrorMeta> {
  constructor(code: P2PErrorCode, message: string, meta: P2PErrorMeta = {}) {
    super(code, message, meta);
  }
}
