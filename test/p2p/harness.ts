import { randomBytes } from 'node:crypto';
import {
  createP2PNetwork,
  type P2PMember,
  type P2POptions,
  peerIdFromSeed,
  type TopicProtocol,
  type WaybillP2PNetwork,
} from '../../services/p2p/index.js';
import { freePorts } from '../support/ports.js';

export { waitFor } from '../support/wait.js';

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);

export interface Received {
  from: string;
  text: string;
  bytes: number;
  /** The payload as delivered, kept to check later that it was not overwritten. */
  payload: Uint8Array;
}

/** One member: its key, port, and what its network delivered to handlers. */
export class TestMember {
  net!: WaybillP2PNetwork;
  readonly received: Record<TopicProtocol, Received[]> = { consensus: [], mempool: [] };
  readonly connectedEvents: string[] = [];

  constructor(
    readonly id: string,
    readonly seed: Uint8Array,
    readonly port: number,
    /** How the others address it. */
    readonly addr: string,
  ) {}

  get peerId(): string {
    return peerIdFromSeed(this.seed);
  }

  get listen(): string {
    return `/ip4/127.0.0.1/tcp/${this.port}`;
  }

  /** Creates and starts a fresh network instance for this member, recording what it receives. */
  async start(members: P2PMember[], opts: Partial<P2POptions> = {}): Promise<WaybillP2PNetwork> {
    const net = await createP2PNetwork({
      self: this.id,
      seed: this.seed,
      listen: [this.listen],
      members,
      backoffMaxMs: 2_000,
      ...opts,
    });
    for (const topic of ['consensus', 'mempool'] as const) {
      net.onMessage(topic, (from, payload) => {
        this.received[topic].push({ from, text: str(payload), bytes: payload.byteLength, payload });
      });
    }
    net.onPeerConnected((peer) => this.connectedEvents.push(peer));
    await net.start();
    this.net = net;
    return net;
  }

  from(topic: TopicProtocol, sender: string): string[] {
    return this.received[topic].filter((r) => r.from === sender).map((r) => r.text);
  }
}

export async function makeMembers(
  ids: string[],
  addr?: (port: number, i: number) => string,
): Promise<TestMember[]> {
  const ports = await freePorts(ids.length);
  return ids.map((id, i) => {
    const port = ports[i] ?? 0;
    return new TestMember(id, randomBytes(32), port, addr?.(port, i) ?? `/ip4/127.0.0.1/tcp/${port}`);
  });
}

export function memberList(members: TestMember[]): P2PMember[] {
  return members.map((m) => ({ id: m.id, peerId: m.peerId, addrs: [m.addr] }));
}

export function allConnected(members: TestMember[]): boolean {
  return members.every((m) => m.net.peers().every((p) => p.connected));
}

export async function stopAll(members: TestMember[]): Promise<void> {
  await Promise.all(members.map((m) => m.net?.stop()));
}
