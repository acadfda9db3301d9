// Evaluated before any libp2p module: libp2p 3 needs Promise.withResolvers (Node 22+).
import '../common/polyfill.js';

export { P2PError, P2PErrorCode, type P2PErrorMeta } from './errors.js';
export { encodeFrame, FrameDecoder, InvalidFrameError, OversizedFrameError } from './framing.js';
export { memberGater } from './gater.js';
export { peerIdFromPublicKey, peerIdFromSeed, privateKeyFromSeed } from './identity.js';
export { createP2PNetwork } from './network.js';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  type P2PLogger,
  type P2PMember,
  type P2POptions,
  type P2PStats,
  type WaybillP2PNetwork,
} from './options.js';
export { PROTOCOL_IDS } from './protocols.js';
export { isStrayStreamError } from './stray-errors.js';
export type { P2PNetwork, PeerInfo, RequestProtocol, TopicProtocol } from './types.js';
