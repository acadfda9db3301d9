/**
 * Public contract of the permissioned P2P layer. Peers are named by org id (genesis member id);
 * libp2p peer ids never leak past this module. Payloads are opaque bytes (the callers encode
 * JSON); each protocol is versioned: `/waybill/<name>/1.0.0`.
 */

export type TopicProtocol = 'consensus' | 'mempool';
export type RequestProtocol = 'sync';

export interface PeerInfo {
  /** Org id from genesis. */
  id: string;
  peerId: string;
  connected: boolean;
}

export interface P2PNetwork {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Fire-and-forget to every connected member (not to self). Drops for disconnected peers. */
  broadcast(protocol: TopicProtocol, payload: Uint8Array): void;
  /** Fire-and-forget to one member. */
  send(member: string, protocol: TopicProtocol, payload: Uint8Array): void;
  onMessage(protocol: TopicProtocol, handler: (from: string, payload: Uint8Array) => void): void;
  /** Request/response to one member; rejects on timeout, disconnect or an oversized answer. */
  request(
    member: string,
    protocol: RequestProtocol,
    payload: Uint8Array,
    timeoutMs?: number,
  ): Promise<Uint8Array>;
  handle(
    protocol: RequestProtocol,
    handler: (from: string, payload: Uint8Array) => Promise<Uint8Array>,
  ): void;
  onPeerConnected(handler: (member: string) => void): void;
  peers(): PeerInfo[];
  /**
   * Follows the member set as governance changes it: new members are dialed and admitted, removed
   * ones (and keys rotated away) disconnected and refused by the gater from then on.
   */
  setMembers(members: Array<{ id: string; peerId: string; addrs: string[] }>): void;
  /**
   * Fault injection, for tests: while on, every member connection is closed, inbound connections
   * are refused, nothing is dialed, sends and broadcasts are dropped and requests fail. Switched
   * off, members are dialed again with the normal backoff.
   */
  isolate(on: boolean): void;
}
