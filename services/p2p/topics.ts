import type { Connection, Stream } from '@libp2p/interface';
import type { MemberDialer } from './dialer.js';
import { encodeFrame, FrameDecoder, OversizedFrameError } from './framing.js';
import type { InboundStreams } from './inbound.js';
import type { Member, P2PComponents } from './members.js';
import { errorMessage } from './options.js';
import { type DropReason, Outbox, type OutboxLimits } from './outbox.js';
import { PROTOCOL_IDS } from './protocols.js';
import { timeoutSignal } from './streams.js';
import type { TopicProtocol } from './types.js';

export type TopicComponents = Pick<P2PComponents, 'members' | 'state' | 'counters' | 'log' | 'shutdown'> & {
  dialer: Pick<MemberDialer, 'newStream'>;
  inbound: InboundStreams;
};

export interface TopicSettings {
  maxBytes: number;
  /** Opening a stream gives up after this long. */
  dialTimeoutMs: number;
  queue: OutboxLimits;
}

type Handler = (from: string, payload: Uint8Array) => void;

/**
 * The fire-and-forget topic protocols (consensus, mempool): one bounded outbox per
 * (member, topic) writing to one long-lived stream, and the inbound streams' frames to handlers.
 */
export class TopicService {
  private readonly handlers = new Map<TopicProtocol, Handler[]>();
  /** Per member id, per topic. */
  private readonly outboxes = new Map<string, Map<TopicProtocol, Outbox>>();

  constructor(
    private readonly c: TopicComponents,
    private readonly settings: TopicSettings,
  ) {}

  onMessage(protocol: TopicProtocol, handler: Handler): void {
    const handlers = this.handlers.get(protocol) ?? [];
    handlers.push(handler);
    this.handlers.set(protocol, handlers);
  }

  broadcast(protocol: TopicProtocol, payload: Uint8Array): void {
    const { members, state, counters } = this.c;
    if (!state.running()) return;
    if (state.isolated) {
      counters.dropped_disconnected += members.size - 1;
      return;
    }
    const frame = this.frameFor(protocol, payload);
    if (!frame) return;
    for (const m of members.others()) {
      if (m.connected) this.outbox(m, protocol).enqueue(frame);
      else counters.dropped_disconnected++;
    }
  }

  send(member: string, protocol: TopicProtocol, payload: Uint8Array): void {
    const { members, state, counters, log } = this.c;
    const m = members.get(member);
    if (!m || m.id === members.self) {
      counters.dropped_unknown_member++;
      log.warn({ peer: member, topic: protocol }, 'message for an unknown member dropped');
      return;
    }
    if (!state.running()) return;
    if (!m.connected || state.isolated) {
      counters.dropped_disconnected++;
      return;
    }
    const frame = this.frameFor(protocol, payload);
    if (frame) this.outbox(m, protocol).enqueue(frame);
  }

  /** The member's connection is gone: what waits for it is dropped (counted as disconnected). */
  clear(member: Member): void {
    for (const outbox of this.outboxes.get(member.id)?.values() ?? []) outbox.clear('disconnected');
  }

  closeAll(): void {
    for (const byTopic of this.outboxes.values()) for (const outbox of byTopic.values()) outbox.close();
  }

  private outbox(m: Member, topic: TopicProtocol): Outbox {
    let byTopic = this.outboxes.get(m.id);
    if (!byTopic) {
      byTopic = new Map();
      this.outboxes.set(m.id, byTopic);
    }
    let outbox = byTopic.get(topic);
    if (!outbox) {
      outbox = this.newOutbox(m, topic);
      byTopic.set(topic, outbox);
    }
    return outbox;
  }

  private newOutbox(m: Member, topic: TopicProtocol): Outbox {
    const { state, counters, log, shutdown, dialer } = this.c;
    return new Outbox(
      {
        canSend: () => state.running() && !state.isolated && m.connected,
        openStream: async () => {
          const timeout = timeoutSignal(
            this.settings.dialTimeoutMs,
            `opening ${topic} to ${m.id} timed out`,
            shutdown,
          );
          try {
            return await dialer.newStream(m, PROTOCOL_IDS[topic], timeout.signal);
          } catch (err) {
            log.debug({ peer: m.id, topic, err: errorMessage(err) }, 'opening a stream failed');
            return undefined;
          } finally {
            timeout.clear();
          }
        },
        onSent: () => {
          counters.sent++;
        },
        onDrop: (reason: DropReason, count: number) => {
          if (reason === 'overflow') counters.dropped_queue_overflow += count;
          else if (reason === 'disconnected') counters.dropped_disconnected += count;
          else counters.dropped_send_failed += count;
          if (reason !== 'disconnected') log.warn({ peer: m.id, topic, reason, count }, 'messages dropped');
        },
      },
      this.settings.queue,
    );
  }

  private frameFor(topic: TopicProtocol, payload: Uint8Array): Uint8Array | undefined {
    const { maxBytes } = this.settings;
    if (payload.byteLength > maxBytes) {
      this.c.counters.dropped_oversized_local++;
      this.c.log.warn({ topic, bytes: payload.byteLength, limit: maxBytes }, 'oversized message not sent');
      return undefined;
    }
    return encodeFrame(payload);
  }

  /** A member's inbound stream of one topic: frames to the handlers, a bad frame resets it. */
  onStream(topic: TopicProtocol, stream: Stream, connection: Connection): void {
    const { inbound, counters, log } = this.c;
    const m = inbound.admit(stream, connection);
    if (!m) return;
    inbound.track(stream);
    const decoder = new FrameDecoder(this.settings.maxBytes);
    stream.addEventListener('message', (evt) => {
      let frames: Uint8Array[];
      try {
        frames = decoder.push(evt.data);
      } catch (err) {
        if (err instanceof OversizedFrameError) counters.dropped_oversized++;
        log.warn({ peer: m.id, topic, err: errorMessage(err) }, 'bad frame: stream reset');
        stream.abort(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      for (const payload of frames) {
        counters.received++;
        for (const handler of this.handlers.get(topic) ?? []) {
          try {
            handler(m.id, payload);
          } catch (err) {
            log.warn({ peer: m.id, topic, err: errorMessage(err) }, 'message handler threw');
          }
        }
      }
    });
    // The sender closed its end (it never does while running): close ours so the stream is freed.
    stream.addEventListener('remoteCloseWrite', () => {
      stream.close().catch(() => {});
    });
  }
}
