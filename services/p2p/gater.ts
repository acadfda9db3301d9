import type { ConnectionGater, PeerId } from '@libp2p/interface';

export type GateStage = 'dial' | 'inbound' | 'outbound';

/**
 * Admits only genesis members, never self, in both directions: before dialing, and once the noise
 * handshake has authenticated the remote key (inbound and outbound; the remote peer id cannot be
 * known earlier for an inbound connection). Relaying is refused outright.
 *
 * While `isolated()` is true (fault injection) every connection is refused, members included, from
 * the first TCP accept on; those refusals are not reported to `onDeny`.
 */
export function memberGater(
  isMember: (peerId: string) => boolean,
  onDeny: (stage: GateStage, peerId: string) => void = () => {},
  isolated: () => boolean = () => false,
): ConnectionGater {
  const deny = (stage: GateStage) => (peer: PeerId) => {
    if (isolated()) return true;
    const id = peer.toString();
    if (isMember(id)) return false;
    onDeny(stage, id);
    return true;
  };
  const denyInbound = deny('inbound');
  const denyOutbound = deny('outbound');
  const admitted = (peer: PeerId) => !isolated() && isMember(peer.toString());
  return {
    denyDialPeer: deny('dial'),
    denyInboundConnection: () => isolated(),
    denyOutboundConnection: () => isolated(),
    denyInboundEncryptedConnection: denyInbound,
    denyOutboundEncryptedConnection: denyOutbound,
    // Checked again after muxer negotiation; a non-member never gets this far, so these never count.
    denyInboundUpgradedConnection: (peer) => !admitted(peer),
    denyOutboundUpgradedConnection: (peer) => !admitted(peer),
    filterMultiaddrForPeer: (peer) => isMember(peer.toString()),
    denyInboundRelayReservation: () => true,
    denyOutboundRelayedConnection: () => true,
    denyInboundRelayedConnection: () => true,
  };
}
