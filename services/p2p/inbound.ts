import type { Connection, Stream } from '@libp2p/interface';
import { P2PError, P2PErrorCode } from './errors.js';
import type { Member, P2PComponents } from './members.js';

export type InboundComponents = Pick<P2PComponents, 'members' | 'state' | 'counters' | 'log'>;

/** Admission and bookkeeping of the streams members open to this node, for every protocol. */
export class InboundStreams {
  private readonly open = new Set<Stream>();

  constructor(private readonly c: InboundComponents) {}

  /** Refuses a stream from a peer that is not a member (the gater should have stopped it already). */
  admit(stream: Stream, connection: Connection): Member | undefined {
    const { members, state, counters, log } = this.c;
    const m = state.running() ? members.memberOf(connection.remotePeer.toString()) : undefined;
    if (m && state.isolated) {
      connection.abort(new P2PError(P2PErrorCode.Refused, 'isolated'));
      stream.abort(new P2PError(P2PErrorCode.Refused, 'isolated'));
      return undefined;
    }
    if (m) return m;
    if (state.running()) {
      counters.dropped_nonmember++;
      log.warn(
        { peer: connection.remotePeer.toString(), protocol: stream.protocol },
        'stream from a non-member refused',
      );
      connection.abort(new P2PError(P2PErrorCode.Refused, 'not a member'));
    }
    stream.abort(new P2PError(P2PErrorCode.Refused, 'not accepted'));
    return undefined;
  }

  track(stream: Stream): void {
    this.open.add(stream);
    stream.addEventListener('close', () => this.open.delete(stream), { once: true });
  }

  abortAll(reason: Error): void {
    for (const stream of this.open) stream.abort(reason);
    this.open.clear();
  }
}
