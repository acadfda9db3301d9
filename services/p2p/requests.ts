import type { Connection, Stream } from '@libp2p/interface';
import type { MemberDialer } from './dialer.js';
import { P2PError, P2PErrorCode } from './errors.js';
import { encodeFrame, OversizedFrameError } from './framing.js';
import type { InboundStreams } from './inbound.js';
import type { P2PComponents } from './members.js';
import { errorMessage } from './options.js';
import { PROTOCOL_IDS } from './protocols.js';
import { readOneFrame, timeoutSignal } from './streams.js';
import type { RequestProtocol } from './types.js';

export type RequestComponents = Pick<P2PComponents, 'members' | 'state' | 'counters' | 'log' | 'shutdown'> & {
  dialer: Pick<MemberDialer, 'newStream'>;
  inbound: InboundStreams;
};

export interface RequestSettings {
  maxBytes: number;
  /** Default timeout of a request, and of serving one. */
  requestTimeoutMs: number;
}

type Handler = (from: string, payload: Uint8Array) => Promise<Uint8Array>;

/** The request/response protocols (sync): one stream per request, one frame each way. */
export class RequestService {
  private readonly handlers = new Map<RequestProtocol, Handler>();

  constructor(
    private readonly c: RequestComponents,
    private readonly settings: RequestSettings,
  ) {}

  async request(
    member: string,
    protocol: RequestProtocol,
    payload: Uint8Array,
    timeoutMs?: number,
  ): Promise<Uint8Array> {
    const { members, state, counters, shutdown, dialer } = this.c;
    const { maxBytes } = this.settings;
    const m = members.get(member);
    if (!m || m.id === members.self)
      throw new P2PError(P2PErrorCode.NotAMember, `${member} is not another member`, { peer: member });
    if (!state.running()) throw new P2PError(P2PErrorCode.NotRunning, 'p2p network is not running');
    if (state.isolated)
      throw new P2PError(P2PErrorCode.NotConnected, `${member} is not connected: this node is isolated`, {
        peer: member,
      });
    if (payload.byteLength > maxBytes) {
      counters.dropped_oversized_local++;
      throw new P2PError(
        P2PErrorCode.TooLarge,
        `request of ${payload.byteLength} bytes exceeds the limit of ${maxBytes}`,
        { peer: member, protocol, bytes: payload.byteLength, limit: maxBytes },
      );
    }
    const ms = timeoutMs ?? this.settings.requestTimeoutMs;
    const timeout = timeoutSignal(ms, `${protocol} request to ${member} timed out after ${ms} ms`, shutdown);
    let stream: Stream | undefined;
    try {
      stream = await dialer.newStream(m, PROTOCOL_IDS[protocol], timeout.signal);
      const answer = readOneFrame(stream, maxBytes, timeout.signal);
      stream.send(encodeFrame(payload));
      // Half-close: the request is complete. The answer still comes back on the readable end.
      stream.close().catch(() => {});
      return await answer;
    } catch (err) {
      if (err instanceof OversizedFrameError) counters.dropped_oversized++;
      stream?.abort(err instanceof Error ? err : new Error(String(err)));
      if (timeout.signal.aborted && timeout.signal.reason instanceof Error) throw timeout.signal.reason;
      throw err;
    } finally {
      timeout.clear();
    }
  }

  handle(protocol: RequestProtocol, handler: Handler): void {
    this.handlers.set(protocol, handler);
  }

  /** A member's request stream: read one frame, answer with the handler's frame, close. */
  async onStream(protocol: RequestProtocol, stream: Stream, connection: Connection): Promise<void> {
    const { inbound, state, counters, log, shutdown } = this.c;
    const { maxBytes, requestTimeoutMs } = this.settings;
    const m = inbound.admit(stream, connection);
    if (!m) return;
    inbound.track(stream);
    const timeout = timeoutSignal(requestTimeoutMs, `${protocol} request from ${m.id} timed out`, shutdown);
    try {
      const request = await readOneFrame(stream, maxBytes, timeout.signal);
      const handler = this.handlers.get(protocol);
      if (!handler) throw new P2PError(P2PErrorCode.NoHandler, `no handler for ${protocol}`, { protocol });
      const answer = await handler(m.id, request);
      if (answer.byteLength > maxBytes) {
        counters.dropped_oversized_local++;
        throw new P2PError(
          P2PErrorCode.TooLarge,
          `answer of ${answer.byteLength} bytes exceeds the limit of ${maxBytes}`,
          { peer: m.id, protocol, bytes: answer.byteLength, limit: maxBytes },
        );
      }
      if (stream.status !== 'open' || stream.writeStatus !== 'writable') return;
      stream.send(encodeFrame(answer));
      counters.requests_served++;
      await stream.close({ signal: timeout.signal });
    } catch (err) {
      if (err instanceof OversizedFrameError) counters.dropped_oversized++;
      if (state.running()) log.warn({ peer: m.id, protocol, err: errorMessage(err) }, 'request failed');
      stream.abort(err instanceof Error ? err : new Error(String(err)));
    } finally {
      timeout.clear();
    }
  }
}
