import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { CODE_P2P, type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import { P2PError, P2PErrorCode } from './errors.js';
import type { P2PLogger, P2PMember, P2PStats } from './options.js';

/** One genesis member as the network tracks it. */
export interface Member {
  id: string;
  peerId: PeerId;
  peerIdStr: string;
  addrs: Multiaddr[];
  connected: boolean;
  failures: number;
  dialing: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** The genesis members by org id and by libp2p peer id. */
export class MemberDirectory {
  private readonly byId = new Map<string, Member>();
  private readonly byPeerId = new Map<string, Member>();

  constructor(
    readonly self: string,
    selfPeerId: string,
    members: readonly P2PMember[],
  ) {
    for (const m of members) this.add(m);
    // A member admitted by governance starts from genesis, which does not list it yet.
    const me = this.byId.get(self);
    if (me && me.peerIdStr !== selfPeerId) {
      throw new P2PError(
        P2PErrorCode.MembersInvalid,
        `the node key gives peer id ${selfPeerId}, genesis has ${me.peerIdStr} for ${self}`,
        { peer: self },
      );
    }
  }

  /** Adds a member (genesis, or admitted by governance). */
  add(m: P2PMember): Member {
    if (this.byId.has(m.id))
      throw new P2PError(P2PErrorCode.MembersInvalid, `duplicate member id ${m.id}`, { peer: m.id });
    if (this.byPeerId.has(m.peerId))
      throw new P2PError(P2PErrorCode.MembersInvalid, `duplicate peer id ${m.peerId} (member ${m.id})`, {
        peer: m.id,
      });
    const peerId = peerIdFromString(m.peerId);
    const member: Member = {
      id: m.id,
      peerId,
      peerIdStr: peerId.toString(),
      addrs: addrsOf(m),
      connected: false,
      failures: 0,
      dialing: false,
      timer: undefined,
    };
    this.byId.set(m.id, member);
    this.byPeerId.set(member.peerIdStr, member);
    return member;
  }

  /** Forgets a member removed by governance (or whose key was rotated): the gater refuses it from now on. */
  remove(id: string): Member | undefined {
    const m = this.byId.get(id);
    if (!m) return undefined;
    this.byId.delete(id);
    this.byPeerId.delete(m.peerIdStr);
    return m;
  }

  /** Every member, self included. */
  all(): Member[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Member | undefined {
    return this.byId.get(id);
  }

  /** A remote peer id that is a member other than self. */
  memberOf(peerId: string): Member | undefined {
    const m = this.byPeerId.get(peerId);
    return m && m.id !== this.self ? m : undefined;
  }

  /** Every member but self. */
  others(): Member[] {
    return [...this.byId.values()].filter((m) => m.id !== this.self);
  }
}

/** A member's dial addresses, each ending in its peer id. */
export function addrsOf(m: P2PMember): Multiaddr[] {
  return m.addrs.map((a) => {
    const ma = multiaddr(a);
    const p2p = ma.getComponents().findLast((c) => c.code === CODE_P2P)?.value;
    if (p2p !== undefined && p2p !== m.peerId)
      throw new P2PError(P2PErrorCode.MembersInvalid, `address ${a} of ${m.id} names another peer id`, {
        peer: m.id,
      });
    return p2p === undefined ? ma.encapsulate(`/p2p/${m.peerId}`) : ma;
  });
}

/** Where the network is: the services act only while it runs and it is not isolated. */
export interface NetworkState {
  running(): boolean;
  /** Fault injection (isolation.ts): cut off from every member. */
  readonly isolated: boolean;
}

/**
 * Everything the network's parts may use. Each part declares the few it needs with `Pick`, the
 * js-libp2p way, and network.ts (the layer's composition root) passes them in.
 */
export interface P2PComponents {
  members: MemberDirectory;
  state: NetworkState;
  libp2p: () => Libp2p;
  counters: P2PStats;
  log: P2PLogger;
  /** Aborted on stop: pending dials, stream opens and requests. */
  shutdown: AbortSignal;
}
