import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allConnected,
  makeMembers,
  memberList,
  stopAll,
  str,
  type TestMember,
  text,
  waitFor,
} from './harness.js';

// Four members on loopback; member d is addressed by the others as /dns4/localhost/... so that
// host-name dialing (docker service names) is exercised too.
describe('four members', () => {
  let members: TestMember[];
  let a: TestMember;
  let b: TestMember;
  let c: TestMember;
  let d: TestMember;

  beforeAll(async () => {
    members = await makeMembers(['a', 'b', 'c', 'd'], (port, i) =>
      i === 3 ? `/dns4/localhost/tcp/${port}` : `/ip4/127.0.0.1/tcp/${port}`,
    );
    [a, b, c, d] = members as [TestMember, TestMember, TestMember, TestMember];
    const list = memberList(members);
    await Promise.all(members.map((m) => m.start(list)));
    await waitFor('all members connected', () => allConnected(members));
  });

  afterAll(async () => {
    await stopAll(members);
  });

  it('lists every other member as connected and reports each connection once', () => {
    for (const m of members) {
      const peers = m.net.peers();
      expect(peers.map((p) => p.id).sort()).toEqual(members.filter((o) => o !== m).map((o) => o.id));
      expect(peers.every((p) => p.connected)).toBe(true);
      expect(peers.find((p) => p.id === 'd')?.peerId ?? d.peerId).toBe(d.peerId);
      expect([...new Set(m.connectedEvents)].sort()).toEqual(peers.map((p) => p.id).sort());
      expect(m.net.connectedPeerIds().sort()).toEqual(
        members
          .filter((o) => o !== m)
          .map((o) => o.peerId)
          .sort(),
      );
    }
  });

  it('broadcast reaches every other member, not self', async () => {
    a.net.broadcast('mempool', text('hello from a'));
    await waitFor('broadcast delivered', () =>
      [b, c, d].every((m) => m.from('mempool', 'a').includes('hello from a')),
    );
    expect(a.received.mempool.some((r) => r.text === 'hello from a')).toBe(false);
  });

  it('send reaches only its target', async () => {
    c.net.send('b', 'consensus', text('only for b'));
    await waitFor('send delivered', () => b.from('consensus', 'c').includes('only for b'));
    // d gets a later message from c on the same topic; if c's first one had reached d it would come first.
    c.net.send('d', 'consensus', text('marker for d'));
    await waitFor('marker delivered', () => d.from('consensus', 'c').includes('marker for d'));
    expect(d.from('consensus', 'c')).toEqual(['marker for d']);
    expect(a.from('consensus', 'c')).toEqual([]);
  });

  it('delivers 1,000 messages per sender in send order, on both topics, from several senders at once', async () => {
    const N = 1_000;
    for (let i = 0; i < N; i++) {
      a.net.send('b', 'consensus', text(`a-${i}`));
      a.net.send('b', 'mempool', text(`am-${i}`));
      c.net.broadcast('consensus', text(`c-${i}`));
      d.net.send('b', 'consensus', text(`d-${i}`));
    }
    const expected = (prefix: string) => Array.from({ length: N }, (_, i) => `${prefix}-${i}`);
    await waitFor(
      '1,000 messages',
      () =>
        b.from('consensus', 'a').length >= N &&
        b.from('mempool', 'a').filter((t) => t.startsWith('am-')).length >= N &&
        b.from('consensus', 'c').filter((t) => t.startsWith('c-')).length >= N &&
        b.from('consensus', 'd').length >= N &&
        a.from('consensus', 'c').length >= N &&
        d.from('consensus', 'c').filter((t) => t.startsWith('c-')).length >= N,
      20_000,
    );
    expect(b.from('consensus', 'a')).toEqual(expected('a'));
    expect(b.from('mempool', 'a').filter((t) => t.startsWith('am-'))).toEqual(expected('am'));
    expect(b.from('consensus', 'c').filter((t) => t.startsWith('c-'))).toEqual(expected('c'));
    expect(b.from('consensus', 'd')).toEqual(expected('d'));
    expect(a.from('consensus', 'c')).toEqual(expected('c'));
    expect(d.from('consensus', 'c').filter((t) => t.startsWith('c-'))).toEqual(expected('c'));
    // Payloads kept by a handler are its own: still intact after everything that came later.
    for (const r of b.received.consensus) expect(str(r.payload)).toBe(r.text);
    for (const m of members) {
      const s = m.net.stats();
      expect(s.dropped_queue_overflow + s.dropped_send_failed + s.dropped_disconnected).toBe(0);
    }
  });

  it('carries a large message (1 MiB) intact', async () => {
    const big = new Uint8Array(1024 * 1024).fill(0x61);
    a.net.send('c', 'mempool', big);
    await waitFor('1 MiB message', () =>
      c.received.mempool.some((r) => r.from === 'a' && r.bytes === big.byteLength),
    );
    const got = c.received.mempool.find((r) => r.from === 'a' && r.bytes === big.byteLength);
    expect(got?.text).toBe('a'.repeat(big.byteLength));
  });

  it('answers requests, tells the handler who asked, and times out when the handler never answers', async () => {
    b.net.handle('sync', async (from, payload) =>
      text(`b answers ${from}: ${new TextDecoder().decode(payload)}`),
    );
    const answers = await Promise.all(
      [a, c, d].map(async (m) =>
        new TextDecoder().decode(await m.net.request('b', 'sync', text(`hi ${m.id}`))),
      ),
    );
    expect(answers).toEqual(['b answers a: hi a', 'b answers c: hi c', 'b answers d: hi d']);

    let asked = 0;
    c.net.handle('sync', () => {
      asked++;
      return new Promise<Uint8Array>(() => {});
    });
    await expect(a.net.request('c', 'sync', text('anyone?'), 500)).rejects.toThrow(/timed out/);
    expect(asked).toBe(1);
    // The timed-out stream does not disturb the connection or later requests.
    c.net.handle('sync', async () => text('back'));
    expect(new TextDecoder().decode(await a.net.request('c', 'sync', text('again')))).toBe('back');
  });

  it('refuses requests and sends to self or to unknown members', async () => {
    await expect(a.net.request('a', 'sync', text('me'))).rejects.toThrow(/not another member/);
    await expect(a.net.request('zz', 'sync', text('who'))).rejects.toThrow(/not another member/);
    const before = a.net.stats().dropped_unknown_member;
    a.net.send('zz', 'consensus', text('lost'));
    a.net.send('a', 'consensus', text('lost'));
    expect(a.net.stats().dropped_unknown_member).toBe(before + 2);
  });
});
