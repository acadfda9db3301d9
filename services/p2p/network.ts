// libp2p 3 calls Promise.withResolvers (Node 22+): install the polyfill before libp2p loads, in
// case an entry point forgot to.
import '../common/polyfill.js';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import type { Libp2p } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import { MemberDialer } from './dialer.js';
import { P2PError, P2PErrorCode } from './errors.js';
import { memberGater } from './gater.js';
import { peerIdFromSeed, privateKeyFromSeed } from './identity.js';
import { InboundStreams } from './inbound.js';
import { Isolation } from './isolation.js';
import { addrsOf, MemberDirectory, type NetworkState, type P2PComponents } from './members.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  NO_LOG,
  type P2PMember,
  type P2POptions,
  type P2PStats,
  type WaybillP2PNetwork,
  zeroStats,
} from './options.js';
import { PROTOCOL_IDS, TOPICS } from './protocols.js';
import { RequestService } from './requests.js';
import { TopicService } from './topics.js';
import type { PeerInfo, RequestProtocol, TopicProtocol } from './types.js';

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

/**
 * The layer's composition root: builds the components (members, state, counters, log, libp2p)
 * and the parts that use them (member dialer, topic and request services, inbound admission,
 * the isolation switch), each given only what it declares it needs, and routes libp2p to them.
 */
class Network implements WaybillP2PNetwork, NetworkState {
  readonly peerId: string;
  private readonly members: MemberDirectory;
  private readonly counters = zeroStats();
  private readonly shutdown = new AbortController();
  private readonly dialer: MemberDialer;
  private readonly inbound: InboundStreams;
  private readonly topics: TopicService;
  private readonly requests: RequestService;
  private readonly isolation: Isolation;
  private readonly dialTimeoutMs: number;
  private readonly components: P2PComponents;
  private phase: Phase = 'created';
  private stopping: Promise<void> | undefined;
  private node: Libp2p | undefined;

  constructor(private readonly opts: P2POptions) {
    this.peerId = peerIdFromSeed(opts.seed);
    const maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
      throw new RangeError('maxMessageBytes must be positive');
    const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.dialTimeoutMs = opts.dialTimeoutMs ?? 5_000;
    this.members = new MemberDirectory(opts.self, this.peerId, opts.members);
    const c: P2PComponents = {
      members: this.members,
      state: this,
      libp2p: () => this.libp2p(),
      counters: this.counters,
      log: opts.logger ?? NO_LOG,
      shutdown: this.shutdown.signal,
    };
    this.components = c;
    this.dialer = new MemberDialer(c, {
      backoffInitialMs: opts.backoffInitialMs ?? 250,
      backoffMaxMs: opts.backoffMaxMs ?? 10_000,
      dialTimeoutMs: this.dialTimeoutMs,
    });
    this.inbound = new InboundStreams(c);
    const services = { ...c, dialer: this.dialer, inbound: this.inbound };
    this.topics = new TopicService(services, {
      maxBytes,
      dialTimeoutMs: this.dialTimeoutMs,
      queue: {
        maxMessages: Math.max(1, opts.maxQueuedMessages ?? 1024),
        maxBytes: Math.max(opts.maxQueuedBytes ?? 4 * maxBytes, maxBytes + 8),
      },
    });
    this.requests = new RequestService(services, { maxBytes, requestTimeoutMs });
    this.isolation = new Isolation({ ...c, dialer: this.dialer });
    this.dialer.onDisconnected((m) => this.topics.clear(m));
  }

  running(): boolean {
    return this.phase === 'running';
  }

  get isolated(): boolean {
    return this.isolation.on;
  }

  async init(): Promise<void> {
    const { members, counters, log } = this.components;
    const node = await createLibp2p({
      start: false,
      privateKey: privateKeyFromSeed(this.opts.seed),
      addresses: { listen: this.opts.listen },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: memberGater(
        (id) => members.memberOf(id) !== undefined,
        (stage, peer) => {
          if (stage === 'dial') return;
          counters.dropped_nonmember++;
          log.warn({ peer, stage }, 'connection with a non-member refused');
        },
        () => this.isolated,
      ),
      connectionManager: {
        dialTimeout: this.dialTimeoutMs,
        // All members may sit behind one address (a devnet on loopback); only members get
        // past the handshake anyway, so allow a burst of reconnects per host.
        inboundConnectionThreshold: Math.max(25, 5 * members.size),
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
      queueMicrotask(() => this.dialer.onConnectionOpen(connection));
    });
    node.addEventListener('peer:disconnect', (evt) => this.dialer.onPeerDisconnect(evt.detail));
    for (const topic of TOPICS) {
      await node.handle(
        PROTOCOL_IDS[topic],
        (stream, connection) => this.topics.onStream(topic, stream, connection),
        { maxInboundStreams: 16, maxOutboundStreams: 16 },
      );
    }
    await node.handle(
      PROTOCOL_IDS.sync,
      (stream, connection) => void this.requests.onStream('sync', stream, connection),
      { maxInboundStreams: 64, maxOutboundStreams: 64 },
    );
  }

  private libp2p(): Libp2p {
    if (!this.node) throw new Error('p2p network not initialised');
    return this.node;
  }

  async start(): Promise<void> {
    if (this.phase !== 'created')
      throw new P2PError(P2PErrorCode.NotRunning, `p2p network cannot start: it is ${this.phase}`);
    this.phase = 'running';
    await this.libp2p().start();
    this.components.log.info(
      { peerId: this.peerId, listen: this.listenAddrs(), members: this.members.size },
      'p2p network started',
    );
    this.dialer.start();
  }

  stop(): Promise<void> {
    if (this.phase === 'created') {
      this.phase = 'stopped';
      return Promise.resolve();
    }
    this.stopping ??= (async () => {
      this.phase = 'stopped';
      this.shutdown.abort(new P2PError(P2PErrorCode.NotRunning, 'p2p network stopped'));
      this.dialer.stop();
      this.topics.closeAll();
      this.inbound.abortAll(new P2PError(P2PErrorCode.Refused, 'p2p network stopped'));
      await this.libp2p().stop();
      this.components.log.info({}, 'p2p network stopped');
    })();
    return this.stopping;
  }

  /**
   * The member set changed by governance: new members are dialed and admitted, removed ones (and
   * keys rotated away) forgotten and disconnected, so the gater refuses them from now on.
   */
  setMembers(members: P2PMember[]): void {
    const { log } = this.components;
    const next = new Map(members.map((m) => [m.id, m]));
    for (const m of this.members.all()) {
      const wanted = next.get(m.id);
      if (wanted?.peerId === m.peerIdStr) {
        m.addrs = addrsOf(wanted); // same key: new addresses at most
        continue;
      }
      this.members.remove(m.id);
      this.dialer.cancel(m);
      this.topics.clear(m);
      if (this.phase === 'running' && m.id !== this.members.self) {
        log.info({ peer: m.id }, 'member removed: disconnecting');
        void this.libp2p()
          .hangUp(m.peerId)
          .catch(() => undefined);
      }
    }
    for (const m of members) {
      if (this.members.get(m.id)) continue;
      const added = this.members.add(m);
      log.info({ peer: m.id }, 'member added');
      if (m.id !== this.members.self) this.dialer.scheduleDial(added, 0);
    }
  }

  broadcast(protocol: TopicProtocol, payload: Uint8Array): void {
    this.topics.broadcast(protocol, payload);
  }

  send(member: string, protocol: TopicProtocol, payload: Uint8Array): void {
    this.topics.send(member, protocol, payload);
  }

  onMessage(protocol: TopicProtocol, handler: (from: string, payload: Uint8Array) => void): void {
    this.topics.onMessage(protocol, handler);
  }

  request(
    member: string,
    protocol: RequestProtocol,
    payload: Uint8Array,
    timeoutMs?: number,
  ): Promise<Uint8Array> {
    return this.requests.request(member, protocol, payload, timeoutMs);
  }

  handle(
    protocol: RequestProtocol,
    handler: (from: string, payload: Uint8Array) => Promise<Uint8Array>,
  ): void {
    this.requests.handle(protocol, handler);
  }

  isolate(on: boolean): void {
    this.isolation.set(on);
  }

  onPeerConnected(handler: (member: string) => void): void {
    this.dialer.onConnected(handler);
  }

  peers(): PeerInfo[] {
    return this.members.others().map((m) => ({ id: m.id, peerId: m.peerIdStr, connected: m.connected }));
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
