import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { P2PError, P2PErrorCode } from './errors.js';
import type { Member, P2PComponents } from './members.js';
import { errorMessage } from './options.js';
import { resolveDialAddrs } from './resolve.js';
import { timeoutSignal } from './streams.js';

export type DialerComponents = Pick<
  P2PComponents,
  'members' | 'state' | 'libp2p' | 'counters' | 'log' | 'shutdown'
>;

export interface DialerSettings {
  backoffInitialMs: number;
  backoffMaxMs: number;
  dialTimeoutMs: number;
}

/**
 * Keeps a connection to every member: dials on start, redials with exponential backoff after a
 * failure or a disconnect, announces each new connection, and opens streams on the newest one.
 */
export class MemberDialer {
  private readonly connectedHandlers: Array<(member: string) => void> = [];
  private readonly disconnectedHandlers: Array<(member: Member) => void> = [];

  constructor(
    private readonly c: DialerComponents,
    private readonly settings: DialerSettings,
  ) {}

  onConnected(handler: (member: string) => void): void {
    this.connectedHandlers.push(handler);
  }

  /** For the parts that hold per-member state (outboxes): the member's connection is gone. */
  onDisconnected(handler: (member: Member) => void): void {
    this.disconnectedHandlers.push(handler);
  }

  /**
   * A little jitter on the first dial: members started together rarely dial each other at the
   * same instant, which would leave two connections per pair.
   */
  start(): void {
    for (const m of this.c.members.others()) {
      this.scheduleDial(m, Math.round(Math.random() * this.settings.backoffInitialMs));
    }
  }

  stop(): void {
    for (const m of this.c.members.others()) this.cancel(m);
  }

  cancel(m: Member): void {
    clearTimeout(m.timer);
    m.timer = undefined;
  }

  /**
   * Every new connection to a member announces it, not only the first: a member that restarts
   * behind a connection we still believe open (no FIN reached us) is announced when it dials in.
   * Two members dialing each other at the same moment can yield two connections, hence two
   * announcements; listeners must tolerate that (consensus re-sends its current messages).
   */
  onConnectionOpen(connection: Connection): void {
    const { members, state, log } = this.c;
    const m = members.memberOf(connection.remotePeer.toString());
    if (!m || !state.running() || connection.status !== 'open') return;
    if (state.isolated) {
      // Opened while the switch was flipped (the gater refuses any later one).
      connection.abort(new P2PError(P2PErrorCode.Refused, 'isolated'));
      return;
    }
    const first = !m.connected;
    m.connected = true;
    m.failures = 0;
    this.cancel(m);
    if (first) log.info({ peer: m.id, direction: connection.direction }, 'member connected');
    else log.debug({ peer: m.id, direction: connection.direction }, 'another connection to a member');
    for (const handler of this.connectedHandlers) {
      try {
        handler(m.id);
      } catch (err) {
        log.warn({ peer: m.id, err: errorMessage(err) }, 'peer-connected handler threw');
      }
    }
  }

  onPeerDisconnect(peer: PeerId): void {
    const m = this.c.members.memberOf(peer.toString());
    if (!m) return;
    this.markDisconnected(m);
    if (!this.c.state.running()) return;
    this.c.log.info({ peer: m.id }, 'member disconnected');
    this.scheduleDial(m);
  }

  markDisconnected(m: Member): void {
    m.connected = false;
    for (const handler of this.disconnectedHandlers) handler(m);
  }

  /** Exponential backoff with jitter: a delay drawn from [½, 1] × min(initial × 2^failures, max). */
  private backoff(failures: number): number {
    const { backoffInitialMs, backoffMaxMs } = this.settings;
    const ceiling = Math.min(backoffMaxMs, backoffInitialMs * 2 ** Math.min(failures, 30));
    return Math.round(ceiling * (0.5 + Math.random() / 2));
  }

  scheduleDial(m: Member, delayMs = this.backoff(m.failures)): void {
    const { state } = this.c;
    if (!state.running() || state.isolated || m.connected || m.dialing || m.timer !== undefined) return;
    m.timer = setTimeout(() => {
      m.timer = undefined;
      void this.dial(m);
    }, delayMs);
  }

  private async dial(m: Member): Promise<void> {
    const { state, counters, log } = this.c;
    if (!state.running() || state.isolated || m.connected || m.dialing) return;
    m.dialing = true;
    const timeout = timeoutSignal(this.settings.dialTimeoutMs, `dial ${m.id} timed out`, this.c.shutdown);
    try {
      const addrs = await resolveDialAddrs(m.addrs, timeout.signal);
      if (addrs.length === 0)
        throw new P2PError(P2PErrorCode.NotConnected, 'no address resolves', { peer: m.id });
      await this.c.libp2p().dial(addrs, { signal: timeout.signal });
    } catch (err) {
      if (state.running() && !state.isolated) {
        m.failures++;
        counters.dial_failures++;
        log.debug({ peer: m.id, failures: m.failures, err: errorMessage(err) }, 'dial failed');
      }
    } finally {
      timeout.clear();
      m.dialing = false;
    }
    if (!m.connected) this.scheduleDial(m);
  }

  /** The newest open connection to a member. */
  connectionTo(m: Member): Connection | undefined {
    const open = this.c
      .libp2p()
      .getConnections(m.peerId)
      .filter((c) => c.status === 'open');
    return open[open.length - 1];
  }

  async newStream(m: Member, protocol: string, signal: AbortSignal): Promise<Stream> {
    const connection = this.connectionTo(m);
    if (!connection)
      throw new P2PError(P2PErrorCode.NotConnected, `member ${m.id} is not connected`, { peer: m.id });
    return connection.newStream(protocol, { signal });
  }
}
