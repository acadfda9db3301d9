import type { ConnectionGater, PeerId } from '@libp2p/interface';

export type GateStage = 'dial' | 'inbound' | 'outbound';

/**
 * Admits only genesis members, never self, in both directions: before dialing, and once the noise
 * handshake has authenticated the remote key (inbound and outbound; the remote peer id cannot be
 * known earlier for an inbound connection). Relaying is refused outright.
 */
export function memberGater(
  isMember: (peerId: string) => boolean,
  onDeny: (stage: GateStage, peerId: string) => void = () => {},
): ConnectionGater {
  const deny = (stage: GateStage) => (peer: PeerId) => {
    const id = peer.toString();
    if (isMember(id)) return false;
    onDeny(stage, id);
    return true;
  };
  const denyInbound = deny('inbound');
  const denyOutbound = deny('outbound');
  return {
    denyDialPeer: deny('dial'),
    denyInboundEncryptedConnection: denyInbound,
    denyOutboundEncryptedConnection: denyOutbound,
    // Checked again after muxer negotiation; a non-member never gets this far, so these never count.
    denyInboundUpgradedConnection: (peer) => !isMember(peer.toString()),
    denyOutboundUpgradedConnection: (peer) => !isMember(peer.toString()),
    filterMultiaddrForPeer: (peer) => isMember(peer.toString()),
    denyInboundRelayReservation: () => true,
    denyOutboundRelayedConnection: () => true,
    denyInboundRelayedConnection: () => true,
  };
}
