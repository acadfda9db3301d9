import { randomBytes } from 'node:crypto';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import type { Libp2p } from '@libp2p/interface';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createP2PNetwork,
  encodeFrame,
  memberGater,
  PROTOCOL_IDS,
  peerIdFromSeed,
  privateKeyFromSeed,
} from '../../services/p2p/index.js';
import { freePorts } from '../support/ports.js';
import { allConnected, makeMembers, memberList, stopAll, type TestMember, text, waitFor } from './harness.js';

describe('node identity', () => {
  it('derives the same peer id as libp2p does from the Ed25519 seed', async () => {
    const seed = randomBytes(32);
    const key = await generateKeyPairFromSeed('Ed25519', seed);
    expect(peerIdFromSeed(seed)).toBe(peerIdFromPrivateKey(key).toString());
    expect(privateKeyFromSeed(seed).equals(key)).toBe(true);
    expect(peerIdFromSeed(seed)).toMatch(/^12D3KooW/);
  });

  it('rejects a seed that is not 32 bytes', () => {
    expect(() => peerIdFromSeed(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});

describe('member gater', () => {
  const member = peerIdFromString(peerIdFromSeed(randomBytes(32)));
  const outsider = peerIdFromString(peerIdFromSeed(randomBytes(32)));
  const denied: string[] = [];
  const gater = memberGater(
    (id) => id === member.toString(),
    (stage) => denied.push(stage),
  );
  // biome-ignore lint/suspicious/noExplicitAny: the hooks ignore the connection argument
  const conn = {} as any;

  it('admits members and refuses everyone else, before dialing and after the handshake both ways', async () => {
    expect(await gater.denyDialPeer?.(member)).toBe(false);
    expect(await gater.denyInboundEncryptedConnection?.(member, conn)).toBe(false);
    expect(await gater.denyOutboundEncryptedConnection?.(member, conn)).toBe(false);
    expect(await gater.denyDialPeer?.(outsider)).toBe(true);
    expect(await gater.denyInboundEncryptedConnection?.(outsider, conn)).toBe(true);
    expect(await gater.denyOutboundEncryptedConnection?.(outsider, conn)).toBe(true);
    expect(await gater.denyInboundUpgradedConnection?.(outsider, conn)).toBe(true);
    expect(await gater.denyOutboundUpgradedConnection?.(outsider, conn)).toBe(true);
    expect(await gater.filterMultiaddrForPeer?.(outsider, multiaddr('/ip4/127.0.0.1/tcp/1'))).toBe(false);
    expect(await gater.denyInboundRelayedConnection?.(member, member)).toBe(true);
    expect(denied).toEqual(['dial', 'inbound', 'outbound']);
  });
});

/** A well-formed libp2p node with a valid Ed25519 key that is not in genesis. */
async function startOutsider(port: number): Promise<{ node: Libp2p; got: string[] }> {
  const node = await createLibp2p({
    privateKey: privateKeyFromSeed(randomBytes(32)),
    addresses: { listen: [`/ip4/127.0.0.1/tcp/${port}`] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  });
  const got: string[] = [];
  for (const protocol of Object.values(PROTOCOL_IDS)) {
    await node.handle(protocol, (stream, connection) => {
      got.push(`${protocol} from ${connection.remotePeer.toString()}`);
      stream.addEventListener('message', () => got.push(`${protocol} data`));
    });
  }
  return { node, got };
}

describe('a peer that is not a member', () => {
  let members: TestMember[];
  let a: TestMember;
  let b: TestMember;
  let outsider: { node: Libp2p; got: string[] };
  let outsiderPort: number;

  beforeAll(async () => {
    members = await makeMembers(['a', 'b']);
    [a, b] = members as [TestMember, TestMember];
    [outsiderPort = 0] = await freePorts(1);
    outsider = await startOutsider(outsiderPort);
    const list = memberList(members);
    await Promise.all(members.map((m) => m.start(list)));
    for (const m of members) m.net.handle('sync', async () => text('answer'));
    await waitFor('members connected', () => allConnected(members));
  });

  afterAll(async () => {
    await stopAll(members);
    await outsider?.node.stop();
  });

  it('cannot connect to a member, open a stream or get a message to a handler', async () => {
    const target = multiaddr(`${a.listen}/p2p/${a.peerId}`);
    const before = a.net.stats().dropped_nonmember;
    const seen = new Set<string>();
    const watch = setInterval(() => {
      for (const p of a.net.connectedPeerIds()) seen.add(p);
    }, 5);
    try {
      for (const protocol of Object.values(PROTOCOL_IDS)) {
        const attempt = async () => {
          const stream = await outsider.node.dialProtocol(target, protocol, {
            signal: AbortSignal.timeout(5_000),
          });
          stream.send(encodeFrame(text('let me in')));
          await stream.close();
        };
        await expect(attempt()).rejects.toThrow();
      }
      // A bare dial may resolve on the outsider's side: the noise initiator finishes its half of the
      // handshake and selects the muxer optimistically before the member has judged its key. The
      // member then aborts the connection, and no stream can be opened on it.
      const conn = await outsider.node
        .dial(target, { signal: AbortSignal.timeout(5_000) })
        .catch(() => undefined);
      if (conn) {
        await waitFor('outsider connection aborted', () => conn.status !== 'open', 5_000, 10);
        await expect(conn.newStream(PROTOCOL_IDS.consensus).then(() => 'opened')).rejects.toThrow();
      }
      await waitFor('refusals counted', () => a.net.stats().dropped_nonmember >= before + 4);
    } finally {
      clearInterval(watch);
    }
    const outsiderId = outsider.node.peerId.toString();
    expect(seen.has(outsiderId)).toBe(false);
    expect(a.net.connectedPeerIds()).not.toContain(outsiderId);
    await waitFor('outsider holds no connection', () => outsider.node.getConnections().length === 0);
    for (const m of members) {
      expect(m.net.peers().map((p) => p.peerId)).not.toContain(outsiderId);
      expect([...m.received.consensus, ...m.received.mempool].map((r) => r.from)).not.toContain(outsiderId);
      expect([...m.received.consensus, ...m.received.mempool].some((r) => r.text === 'let me in')).toBe(
        false,
      );
    }
    // The members still talk to each other.
    b.net.send('a', 'consensus', text('still fine'));
    await waitFor('member message', () => a.from('consensus', 'b').includes('still fine'));
  });

  it('is never dialed even at an address genesis gives to a member', async () => {
    // Genesis says member "c" (a key nobody runs) listens where the outsider listens. a dials it,
    // and the handshake finds the wrong key: no connection, nothing reaches the outsider's handlers.
    const ghost = randomBytes(32);
    const selfSeed = randomBytes(32);
    const [port = 0] = await freePorts(1);
    const list = [
      { id: 'x', peerId: peerIdFromSeed(selfSeed), addrs: [`/ip4/127.0.0.1/tcp/${port}`] },
      { id: 'c', peerId: peerIdFromSeed(ghost), addrs: [`/ip4/127.0.0.1/tcp/${outsiderPort}`] },
    ];
    const net = await createP2PNetwork({
      self: 'x',
      seed: selfSeed,
      listen: [`/ip4/127.0.0.1/tcp/${port}`],
      members: list,
      backoffInitialMs: 50,
      backoffMaxMs: 200,
    });
    try {
      await net.start();
      await waitFor('several dial attempts', () => net.stats().dial_failures >= 3);
      net.send('c', 'consensus', text('for c'));
      expect(net.peers()).toEqual([{ id: 'c', peerId: peerIdFromSeed(ghost), connected: false }]);
      expect(net.connectedPeerIds()).toEqual([]);
      expect(net.stats().dropped_disconnected).toBe(1);
      expect(outsider.got).toEqual([]);
      // The outsider may see a connection for a moment (it finishes its side of the handshake
      // before the dialer judges its key), but never keeps one.
      await waitFor('outsider holds no connection', () => outsider.node.getConnections().length === 0);
    } finally {
      await net.stop();
    }
  });
});
