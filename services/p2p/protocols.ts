import type { RequestProtocol, TopicProtocol } from './types.js';

/** The versioned libp2p protocol id of each Waybill protocol (a public wire contract). */
export const PROTOCOL_IDS: Record<TopicProtocol | RequestProtocol, string> = {
  consensus: '/waybill/consensus/1.0.0',
  mempool: '/waybill/mempool/1.0.0',
  sync: '/waybill/sync/1.0.0',
};

export const TOPICS: readonly TopicProtocol[] = ['consensus', 'mempool'];
