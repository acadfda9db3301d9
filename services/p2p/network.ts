// libp2p 3 calls Promise.withResolvers (Node 22+): install the polyfill before libp2p loads, in
// case an entry point forgot to.
import '../common/polyfill.js';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { CODE_P2P, type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { encodeFrame, FrameDecoder, OversizedFrameError } from './framing.js';
import { memberGater } from './gater.js';
import { peerIdFromSeed, privateKeyFromSeed } from './identity.js';
import { type DropReason, Outbox } from './outbox.js';
import { resolveDialAddrs } from './resolve.js';
import { readOneFrame, timeoutSignal } from './streams.js';
import type { P2PNetwork, PeerInfo, RequestProtocol, TopicProtocol } from './types.js';

export const PROTOCOL_IDS: Record<TopicProtocol | RequestProtocol, string> = {
  consensus: '/waybill/consensus/1.0.0',
  mempool: '/waybill/mempool/1.0.0',
  sync: '/waybill/sync/1.0.0',
};

const TOPICS: readonly TopicProtocol[] = ['consensus', 'mempool'];

export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** pino-compatible: `(object, message)`. */
export interface P2PLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface P2PMember {
  /** Org id (genesis member id). */
  id: string;
  /** libp2p peer id string, as `peerIdFromSeed` derives it from the member's node key. */
  peerId: string;
  /** Multiaddrs to dial: /ip4, /ip6, /dns4, /dns6 or /dns with /tcp. */
  addrs: string[];
}

export interface P2POptions {
  /** This node's org id; must be one of `members`. */
  self: string;
  /** 32-byte Ed25519 seed: the node key, which is also the libp2p identity. */
  seed: Uint8Array;
  /** Multiaddrs to listen on, e.g. `/ip4/0.0.0.0/tcp/9081`. */
  listen: string[];
  /** Every genesis member, self included. Nobody else may connect. */
  members: P2PMember[];
  /** Largest payload sent or accepted, per message, request and response. Default 16 MiB. */
  maxMessageBytes?: number;
  /** Default timeout of `request`. Default 10 s. */
  requestTimeoutMs?: number;
  /** Bound of each outbound (member, topic) queue, in messages. Default 1024. */
  maxQueuedMessages?: number;
  /** Bound of each outbound (member, topic) queue, in bytes. Default 4 × maxMessageBytes. */
  maxQueuedBytes?: number;
  /** Reconnect backoff: first delay and cap, doubled per failed dial, with jitter. Default 250 ms, 10 s. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** One dial attempt, all addresses of a member. Default 5 s. */
  dialTimeoutMs?: number;
  logger?: P2PLogger;
}

/** Counters since creation. Every message the layer gives up on is counted in one `dropped_*`. */
export interface P2PStats {
  /** Topic messages handed to a stream. */
  sent: number;
  /** Topic messages received from members (delivered to handlers, if any). */
  received: number;
  requests_served: number;
  /** Inbound frames over maxMessageBytes (the stream is reset), including oversized sync answers. */
  dropped_oversized: number;
  /** Own payloads over maxMessageBytes, refused before sending (send, broadcast, sync answers). */
  dropped_oversized_local: number;
  /** Connections and streams refused because the remote peer is not a genesis member. */
  dropped_nonmember: number;
  /** Oldest queued messages dropped because an outbound queue was full. */
  dropped_queue_overflow: number;
  /** Messages for a member with no open connection (sent while disconnected, or queued at disconnect). */
  dropped_disconnected: number;
  /** Messages lost because a stream could not be opened or written. */
  dropped_send_failed: number;
  /** send() to an org id that is not another genesis member. */
  dropped_unknown_member: number;
  /** Dial attempts that failed. */
  dial_failures: number;
}

export interface WaybillP2PNetwork extends P2PNetwork {
  /** This node's libp2p peer id. */
  readonly peerId: string;
  stats(): P2PStats;
  /** Addresses actually listened on (with the real port when 0 was asked for). */
  listenAddrs(): string[];
  /** libp2p peer ids of every remote with an open connection: genesis members only, by the gater. */
  connectedPeerIds(): string[];
}

interface Member {
  id: string;
  peerId: PeerId;
  peerIdStr: string;
  addrs: Multiaddr[];
  connected: boolean;
  failures: number;
  dialing: boolean;
  timer: NodeJS.Timeout | undefined;
  outboxes: Map<TopicProtocol, Outbox>;
}

const NO_LOG: P2PLogger = { info() {}, warn() {}, debug() {} };

type Phase = 'created' | 'running' | 'stopped';

/**
 * The permissioned P2P layer: libp2p 3 over TCP with noise and yamux, admitting genesis members
 * only. Create, register handlers, then start(). A stopped network cannot be started again.
 */
export async function createP2PNetwork(opts: P2POptions): Promise<WaybillP2PNetwork> {
  const network = new Network(opts);
  await network.init();
  return network;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class Network implements WaybillP2PNetwork {
  readonly peerId: string;
  private readonly self: string;
  private readonly members = new Map<string, Member>();
  private readonly byPeerId = new Map<string, Member>();
  private readonly maxBytes: number;
  private readonly requestTimeoutMs: number;
  private readonly queueLimits: { maxMessages: number; maxBytes: number };
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly dialTimeoutMs: number;
  private readonly log: P2PLogger;
  private readonly messageHandlers = new Map<
    TopicProtocol,
    Array<(from: string, payload: Uint8Array) => void>
  >();
  private readonly requestHandlers = new Map<
    RequestProtocol,
    (from: string, payload: Uint8Array) => Promise<Uint8Array>
  >();
  private readonly connectedHandlers: Array<(member: string) => void> = [];
  /** Aborted on stop: pending dials, stream opens and requests. */
  private readonly shutdown = new AbortController();
  private readonly inbound = new Set<Stream>();
  private readonly counters: P2PStats = {
    sent: 0,
    received: 0,
    requests_served: 0,
    dropped_oversized: 0,
    dropped_oversized_local: 0,
    dropped_nonmember: 0,
    dropped_queue_overflow: 0,
    dropped_disconnected: 0,
    dropped_send_failed: 0,
    dropped_unknown_member: 0,
    dial_failures: 0,
  };
  private phase: Phase = 'created';
  /** Fault injection: cut off from every member (see `isolate`). */
  private isolated = false;
  private stopping: Promise<void> | undefined;
  private node: Libp2p | undefined;

  constructor(private readonly opts: P2POptions) {
    this.self = opts.self;
    this.peerId = peerIdFromSeed(opts.seed);
    this.maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < 1)
      throw new RangeError('maxMessageBytes must be positive');
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.queueLimits = {
      maxMessages: Math.max(1, opts.maxQueuedMessages ?? 1024),
      maxBytes: Math.max(opts.maxQueuedBytes ?? 4 * this.maxBytes, this.maxBytes + 8),
    };
    this.backoffInitialMs = opts.backoffInitialMs ?? 250;
    this.backoffMaxMs = opts.backoffMaxMs ?? 10_000;
    this.dialTimeoutMs = opts.dialTimeoutMs ?? 5_000;
    this.log = opts.logger ?? NO_LOG;

    for (const m of opts.members) {
      if (this.members.has(m.id)) throw new Error(`duplicate member id ${m.id}`);
      if (this.byPeerId.has(m.peerId)) throw new Error(`duplicate peer id ${m.peerId} (member ${m.id})`);
      this.addMember(m);
    }
    // A member admitted by governance starts from genesis, which does not list it yet.
    const me = this.members.get(this.self);
    if (me && me.peerIdStr !== this.peerId) {
      throw new Error(
        `the node key gives peer id ${this.peerId}, genesis has ${me.peerIdStr} for ${this.self}`,
      );
    }
  }

  private addMember(m: P2PMember): Member {
    const peerId = peerIdFromString(m.peerId);
    const addrs = m.addrs.map((a) => {
      const ma = multiaddr(a);
      const p2p = ma.getComponents().findLast((c) => c.code === CODE_P2P)?.value;
      if (p2p !== undefined && p2p !== m.peerId)
        throw new Error(`address ${a} of ${m.id} names another peer id`);
      return p2p === undefined ? ma.encapsulate(`/p2p/${m.peerId}`) : ma;
    });
    const member: Member = {
      id: m.id,
      peerId,
      peerIdStr: peerId.toString(),
      addrs,
      connected: false,
      failures: 0,
      dialing: false,
      timer: undefined,
      outboxes: new Map(),
    };
    this.members.set(m.id, member);
    this.byPeerId.set(member.peerIdStr, member);
    return member;
  }

  /**
   * The member set changed by governance: new members are dialed, removed ones (and keys rotated
   * away) are forgotten and their connections closed, so the gater refuses them from now on.
   */
  setMembers(members: P2PMember[]): void {
    const next = new Map(members.map((m) => [m.id, m]));
    for (const m of [...this.members.values()]) {
      const wanted = next.get(m.id);
      const same =
        wanted && wanted.peerId === m.peerIdStr && wanted.addrs.join() === m.addrs.map(String).join();
      if (same) continue;
      if (wanted?.peerId === m.peerIdStr) {
        m.addrs = this.addMember(wanted).addrs; // new addresses only
        this.members.set(m.id, m);
        this.byPeerId.set(m.peerIdStr, m);
        continue;
      }
      this.members.delete(m.id);
      this.byPeerId.delete(m.peerIdStr);
      clearTimeout(m.timer);
      m.timer = undefined;
      for (const outbox of m.outboxes.values()) outbox.close();
      if (this.node && this.phase === 'running') {
        this.log.info({ peer: m.id }, 'member removed: disconnecting');
        void this.libp2p()
          .hangUp(m.peerId)
          .catch(() => undefined);
      }
    }
    for (const m of members) {
      if (this.members.has(m.id)) continue;
      const added = this.addMember(m);
      this.log.info({ peer: m.id }, 'member added');
      if (m.id !== this.self) this.scheduleDial(added, 0);
    }
  }

  /** A remote peer id that is a member other than self. */
  private memberOf(peerId: string): Member | undefined {
    const m = this.byPeerId.get(peerId);
    return m && m.id !== this.self ? m : undefined;
  }

  async init(): Promise<void> {
    const node = await createLibp2p({
      start: false,
      privateKey: privateKeyFromSeed(this.opts.seed),
      addresses: { listen: this.opts.listen },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: memberGater(
        (id) => this.memberOf(id) !== undefined,
        (stage, peer) => {
          if (stage === 'dial') return;
          this.counters.dropped_nonmember++;
          this.log.warn({ peer, stage }, 'connection with a non-member refused');
        },
        () => this.isolated,
      ),
      connectionManager: {
        dialTimeout: this.dialTimeoutMs,
        // All members may sit behind one address (a devnet on loopback); only members get
        // past the handshake anyway, so allow a burst of reconnects per host.
        inboundConnectionThreshold: Math.max(25, 5 * this.members.size),
        // Reconnection is ours (backoff per member); libp2p's keep-alive redial stays unused.
        reconnectRetries: 0,
      },
      // The built-in connection monitor (on by default) pings every connection every 10 s and
      // aborts dead ones; a remote that answers "protocol not supported" counts as alive, so it
      // needs no ping service. It is what turns a silently dropped TCP connection into a reconnect.
    });
    this.node = node;
    // Deferred to a microtask so that libp2p's connection manager (another listener) has
    // recorded the connection first, whatever the listener order: handlers may send at once.
    node.addEventListener('connection:open', (evt) => {
      const connection = evt.detail;
      queueMicrotask(() => this.onConnectionOpen(connection));
    });
    node.addEventListener('peer:disconnect', (evt) => this.onPeerDisconnect(evt.detail));
    for (const topic of TOPICS) {
      await node.handle(
        PROTOCOL_IDS[topic],
        (stream, connection) => this.onTopicStream(topic, stream, connection),
        {
          maxInboundStreams: 16,
          maxOutboundStreams: 16,
        },
      );
    }
    await node.handle(
      PROTOCOL_IDS.sync,
      (stream, connection) => void this.onRequestStream('sync', stream, connection),
      {
        maxInboundStreams: 64,
        maxOutboundStreams: 64,
      },
    );
  }

  private libp2p(): Libp2p {
    if (!this.node) throw new Error('p2p network not initialised');
    return this.node;
  }

  async start(): Promise<void> {
    if (this.phase !== 'created') throw new Error(`p2p network cannot start: it is ${this.phase}`);
    this.phase = 'running';
    await this.libp2p().start();
    this.log.info(
      { peerId: this.peerId, listen: this.listenAddrs(), members: this.members.size },
      'p2p network started',
    );
    // A little jitter on the first dial: members started together rarely dial each other at the
    // same instant, which would leave two connections per pair.
    for (const m of this.members.values()) {
      if (m.id !== this.self) this.scheduleDial(m, Math.round(Math.random() * this.backoffInitialMs));
    }
  }

  stop(): Promise<void> {
    if (this.phase === 'created') {
      this.phase = 'stopped';
      return Promise.resolve();
    }
    this.stopping ??= (async () => {
      this.phase = 'stopped';
      this.shutdown.abort(new Error('p2p network stopped'));
      for (const m of this.members.values()) {
        clearTimeout(m.timer);
        m.timer = undefined;
        for (const outbox of m.outboxes.values()) outbox.close();
      }
      for (const stream of this.inbound) stream.abort(new Error('p2p network stopped'));
      this.inbound.clear();
      await this.libp2p().stop();
      this.log.info({}, 'p2p network stopped');
    })();
    return this.stopping;
  }

  // --- connections -------------------------------------------------------------------------

  /**
   * Every new connection to a member announces it, not only the first: a member that restarts
   * behind a connection we still believe open (no FIN reached us) is announced when it dials in.
   * Two members dialing each other at the same moment can yield two connections, hence two
   * announcements; listeners must tolerate that (consensus re-sends its current messages).
   */
  private onConnectionOpen(connection: Connection): void {
    const m = this.memberOf(connection.remotePeer.toString());
    if (!m || this.phase !== 'running' || connection.status !== 'open') return;
    if (this.isolated) {
      // Opened while the switch was flipped (the gater refuses any later one).
      connection.abort(new Error('isolated'));
      return;
    }
    const first = !m.connected;
    m.connected = true;
    m.failures = 0;
    clearTimeout(m.timer);
    m.timer = undefined;
    if (first) this.log.info({ peer: m.id, direction: connection.direction }, 'member connected');
    else this.log.debug({ peer: m.id, direction: connection.direction }, 'another connection to a member');
    for (const handler of this.connectedHandlers) {
      try {
        handler(m.id);
      } catch (err) {
        this.log.warn({ peer: m.id, err: errorMessage(err) }, 'peer-connected handler threw');
      }
    }
  }

  private onPeerDisconnect(peer: PeerId): void {
    const m = this.memberOf(peer.toString());
    if (!m) return;
    m.connected = false;
    for (const outbox of m.outboxes.values()) outbox.clear('disconnected');
    if (this.phase !== 'running') return;
    this.log.info({ peer: m.id }, 'member disconnected');
    this.scheduleDial(m);
  }

  /** Exponential backoff with jitter: a delay drawn from [½, 1] × min(initial × 2^failures, max). */
  private backoff(failures: number): number {
    const ceiling = Math.min(this.backoffMaxMs, this.backoffInitialMs * 2 ** Math.min(failures, 30));
    return Math.round(ceiling * (0.5 + Math.random() / 2));
  }

  private scheduleDial(m: Member, delayMs = this.backoff(m.failures)): void {
    if (this.phase !== 'running' || this.isolated || m.connected || m.dialing || m.timer !== undefined)
      return;
    m.timer = setTimeout(() => {
      m.timer = undefined;
      void this.dial(m);
    }, delayMs);
  }

  private async dial(m: Member): Promise<void> {
    if (this.phase !== 'running' || this.isolated || m.connected || m.dialing) return;
    m.dialing = true;
    const timeout = timeoutSignal(this.dialTimeoutMs, `dial ${m.id} timed out`, this.shutdown.signal);
    try {
      const addrs = await resolveDialAddrs(m.addrs, timeout.signal);
      if (addrs.length === 0) throw new Error('no address resolves');
      await this.libp2p().dial(addrs, { signal: timeout.signal });
    } catch (err) {
      if (this.phase === 'running' && !this.isolated) {
        m.failures++;
        this.counters.dial_failures++;
        this.log.debug({ peer: m.id, failures: m.failures, err: errorMessage(err) }, 'dial failed');
      }
    } finally {
      timeout.clear();
      m.dialing = false;
    }
    if (!m.connected) this.scheduleDial(m);
  }

  /** The newest open connection to a member. */
  private connectionTo(m: Member): Connection | undefined {
    const open = this.libp2p()
      .getConnections(m.peerId)
      .filter((c) => c.status === 'open');
    return open[open.length - 1];
  }

  private async newStream(m: Member, protocol: string, signal: AbortSignal): Promise<Stream> {
    const connection = this.connectionTo(m);
    if (!connection) throw new Error(`member ${m.id} is not connected`);
    return connection.newStream(protocol, { signal });
  }

  // --- topics ------------------------------------------------------------------------------

  private outbox(m: Member, topic: TopicProtocol): Outbox {
    let outbox = m.outboxes.get(topic);
    if (!outbox) {
      outbox = new Outbox(
        {
          canSend: () => this.phase === 'running' && !this.isolated && m.connected,
          openStream: async () => {
            const timeout = timeoutSignal(
              this.dialTimeoutMs,
              `opening ${topic} to ${m.id} timed out`,
              this.shutdown.signal,
            );
            try {
              return await this.newStream(m, PROTOCOL_IDS[topic], timeout.signal);
            } catch (err) {
              this.log.debug({ peer: m.id, topic, err: errorMessage(err) }, 'opening a stream failed');
              return undefined;
            } finally {
              timeout.clear();
            }
          },
          onSent: () => {
            this.counters.sent++;
          },
          onDrop: (reason: DropReason, count: number) => {
            if (reason === 'overflow') this.counters.dropped_queue_overflow += count;
            else if (reason === 'disconnected') this.counters.dropped_disconnected += count;
            else this.counters.dropped_send_failed += count;
            if (reason !== 'disconnected')
              this.log.warn({ peer: m.id, topic, reason, count }, 'messages dropped');
          },
        },
        this.queueLimits,
      );
      m.outboxes.set(topic, outbox);
    }
    return outbox;
  }

  private frameFor(topic: TopicProtocol, payload: Uint8Array): Uint8Array | undefined {
    if (payload.byteLength > this.maxBytes) {
      this.counters.dropped_oversized_local++;
      this.log.warn({ topic, bytes: payload.byteLength, limit: this.maxBytes }, 'oversized message not sent');
      return undefined;
    }
    return encodeFrame(payload);
  }

  broadcast(protocol: TopicProtocol, payload: Uint8Array): void {
    if (this.phase !== 'running') return;
    if (this.isolated) {
      this.counters.dropped_disconnected += this.members.size - 1;
      return;
    }
    const frame = this.frameFor(protocol, payload);
    if (!frame) return;
    for (const m of this.members.values()) {
      if (m.id === this.self) continue;
      if (m.connected) this.outbox(m, protocol).enqueue(frame);
      else this.counters.dropped_disconnected++;
    }
  }

  send(member: string, protocol: TopicProtocol, payload: Uint8Array): void {
    const m = this.members.get(member);
    if (!m || m.id === this.self) {
      this.counters.dropped_unknown_member++;
      this.log.warn({ peer: member, topic: protocol }, 'message for an unknown member dropped');
      return;
    }
    if (this.phase !== 'running') return;
    if (!m.connected || this.isolated) {
      this.counters.dropped_disconnected++;
      return;
    }
    const frame = this.frameFor(protocol, payload);
    if (frame) this.outbox(m, protocol).enqueue(frame);
  }

  onMessage(protocol: TopicProtocol, handler: (from: string, payload: Uint8Array) => void): void {
    const handlers = this.messageHandlers.get(protocol) ?? [];
    handlers.push(handler);
    this.messageHandlers.set(protocol, handlers);
  }

  /** Refuses a stream from a peer that is not a member (the gater should have stopped it already). */
  private admit(stream: Stream, connection: Connection): Member | undefined {
    const m = this.phase === 'running' ? this.memberOf(connection.remotePeer.toString()) : undefined;
    if (m && this.isolated) {
      connection.abort(new Error('isolated'));
      stream.abort(new Error('isolated'));
      return undefined;
    }
    if (m) return m;
    if (this.phase === 'running') {
      this.counters.dropped_nonmember++;
      this.log.warn(
        { peer: connection.remotePeer.toString(), protocol: stream.protocol },
        'stream from a non-member refused',
      );
      connection.abort(new Error('not a member'));
    }
    stream.abort(new Error('not accepted'));
    return undefined;
  }

  private track(stream: Stream): void {
    this.inbound.add(stream);
    stream.addEventListener('close', () => this.inbound.delete(stream), { once: true });
  }

  private onTopicStream(topic: TopicProtocol, stream: Stream, connection: Connection): void {
    const m = this.admit(stream, connection);
    if (!m) return;
    this.track(stream);
    const decoder = new FrameDecoder(this.maxBytes);
    stream.addEventListener('message', (evt) => {
      let frames: Uint8Array[];
      try {
        frames = decoder.push(evt.data);
      } catch (err) {
        if (err instanceof OversizedFrameError) this.counters.dropped_oversized++;
        this.log.warn({ peer: m.id, topic, err: errorMessage(err) }, 'bad frame: stream reset');
        stream.abort(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      for (const payload of frames) {
        this.counters.received++;
        for (const handler of this.messageHandlers.get(topic) ?? []) {
          try {
            handler(m.id, payload);
          } catch (err) {
            this.log.warn({ peer: m.id, topic, err: errorMessage(err) }, 'message handler threw');
          }
        }
      }
    });
    // The sender closed its end (it never does while running): close ours so the stream is freed.
    stream.addEventListener('remoteCloseWrite', () => {
      stream.close().catch(() => {});
    });
  }

  // --- request/response --------------------------------------------------------------------

  async request(
    member: string,
    protocol: RequestProtocol,
    payload: Uint8Array,
    timeoutMs?: number,
  ): Promise<Uint8Array> {
    const m = this.members.get(member);
    if (!m || m.id === this.self) throw new Error(`${member} is not another member`);
    if (this.phase !== 'running') throw new Error('p2p network is not running');
    if (this.isolated) throw new Error(`${member} is not connected: this node is isolated`);
    if (payload.byteLength > this.maxBytes) {
      this.counters.dropped_oversized_local++;
      throw new Error(`request of ${payload.byteLength} bytes exceeds the limit of ${this.maxBytes}`);
    }
    const ms = timeoutMs ?? this.requestTimeoutMs;
    const timeout = timeoutSignal(
      ms,
      `${protocol} request to ${member} timed out after ${ms} ms`,
      this.shutdown.signal,
    );
    let stream: Stream | undefined;
    try {
      stream = await this.newStream(m, PROTOCOL_IDS[protocol], timeout.signal);
      const answer = readOneFrame(stream, this.maxBytes, timeout.signal);
      stream.send(encodeFrame(payload));
      // Half-close: the request is complete. The answer still comes back on the readable end.
      stream.close().catch(() => {});
      return await answer;
    } catch (err) {
      if (err instanceof OversizedFrameError) this.counters.dropped_oversized++;
      stream?.abort(err instanceof Error ? err : new Error(String(err)));
      if (timeout.signal.aborted && timeout.signal.reason instanceof Error) throw timeout.signal.reason;
      throw err;
    } finally {
      timeout.clear();
    }
  }

  handle(
    protocol: RequestProtocol,
    handler: (from: string, payload: Uint8Array) => Promise<Uint8Array>,
  ): void {
    this.requestHandlers.set(protocol, handler);
  }

  private async onRequestStream(
    protocol: RequestProtocol,
    stream: Stream,
    connection: Connection,
  ): Promise<void> {
    const m = this.admit(stream, connection);
    if (!m) return;
    this.track(stream);
    const timeout = timeoutSignal(
      this.requestTimeoutMs,
      `${protocol} request from ${m.id} timed out`,
      this.shutdown.signal,
    );
    try {
      const request = await readOneFrame(stream, this.maxBytes, timeout.signal);
      const handler = this.requestHandlers.get(protocol);
      if (!handler) throw new Error(`no handler for ${protocol}`);
      const answer = await handler(m.id, request);
      if (answer.byteLength > this.maxBytes) {
        this.counters.dropped_oversized_local++;
        throw new Error(`answer of ${answer.byteLength} bytes exceeds the limit of ${this.maxBytes}`);
      }
      if (stream.status !== 'open' || stream.writeStatus !== 'writable') return;
      stream.send(encodeFrame(answer));
      this.counters.requests_served++;
      await stream.close({ signal: timeout.signal });
    } catch (err) {
      if (err instanceof OversizedFrameError) this.counters.dropped_oversized++;
      if (this.phase === 'running')
        this.log.warn({ peer: m.id, protocol, err: errorMessage(err) }, 'request failed');
      stream.abort(err instanceof Error ? err : new Error(String(err)));
    } finally {
      timeout.clear();
    }
  }

  // --- fault injection ---------------------------------------------------------------------

  isolate(on: boolean): void {
    if (on === this.isolated) return;
    this.isolated = on;
    if (this.phase !== 'running') return;
    if (on) {
      for (const m of this.members.values()) {
        if (m.id === this.self) continue;
        clearTimeout(m.timer);
        m.timer = undefined;
        // At once, not on libp2p's disconnect event: nothing may be sent from now on.
        m.connected = false;
        for (const outbox of m.outboxes.values()) outbox.clear('disconnected');
        for (const connection of this.libp2p().getConnections(m.peerId))
          connection.abort(new Error('isolated'));
      }
      this.log.info({}, 'p2p network isolated from every member');
    } else {
      this.log.info({}, 'p2p network isolation lifted: dialing members again');
      for (const m of this.members.values()) {
        if (m.id !== this.self && this.connectionTo(m) === undefined) this.scheduleDial(m);
      }
    }
  }

  // --- introspection -----------------------------------------------------------------------

  onPeerConnected(handler: (member: string) => void): void {
    this.connectedHandlers.push(handler);
  }

  peers(): PeerInfo[] {
    return [...this.members.values()]
      .filter((m) => m.id !== this.self)
      .map((m) => ({ id: m.id, peerId: m.peerIdStr, connected: m.connected }));
  }

  stats(): P2PStats {
    return { ...this.counters };
  }

  listenAddrs(): string[] {
    return this.node ? this.node.getMultiaddrs().map((a) => a.toString()) : [];
  }

  connectedPeerIds(): string[] {
    return this.node ? this.node.getPeers().map((p) => p.toString()) : [];
  }
}
