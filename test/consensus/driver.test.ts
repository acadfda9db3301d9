import { describe, expect, it } from 'vitest';
import {
  ConsensusDriver,
  type ConsensusMessage,
  createConsensusCore,
  type PersistedState,
  type Proposal,
  RoundPacer,
  type Vote,
} from '../../services/consensus/index.js';
import type { Block, CommittedBlock } from '../../services/ledger/index.js';
import { block, config, GENESIS, hashOfBlock, id, T0, vote } from './helpers.js';

type Logged =
  | { kind: 'persist'; state: PersistedState }
  | { kind: 'broadcast'; message: ConsensusMessage }
  | { kind: 'commit'; height: number }
  | { kind: 'applying'; height: number };

/**
 * The driver of org-1 (the proposer of height 1, round 0) on virtual ports that log every effect.
 * Applying a block takes `applyMs` of the virtual clock. `deferred`: the app's commit returns a
 * promise, as a node's does with its block writer thread, settled by `finishApply` (or failed by
 * `failApply`).
 */
function harness(applyMs = 0, deferred = false) {
  const log: Logged[] = [];
  const fatal: unknown[] = [];
  const logged: Array<{ level: string; event: string; data: Record<string, unknown> }> = [];
  let pending: { resolve: () => void; reject: (err: unknown) => void } | undefined;
  let now = T0;
  const timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  const delays: number[] = [];
  let tip = GENESIS;
  const driver = new ConsensusDriver({
    core: createConsensusCore(config(1)),
    clock: () => now,
    timers: {
      set: (fn, delayMs) => {
        delays.push(delayMs);
        const t = { at: now + delayMs, fn, live: true };
        timers.push(t);
        return t;
      },
      clear: (handle) => {
        (handle as { live: boolean }).live = false;
      },
    },
    transport: {
      broadcast: (message) => log.push({ kind: 'broadcast', message }),
      send: () => undefined,
      connectedPeers: () => [],
      fetchBlocks: (_peer, _from, _limit, reply) => reply({ blocks: [] as CommittedBlock[] }),
    },
    store: {
      tip: () => tip,
      loadConsensusState: () => null,
      saveConsensusState: (state) => log.push({ kind: 'persist', state: structuredClone(state) }),
      getBlock: () => undefined,
    },
    app: {
      buildBlock: (_height, _round, _parent, minTimestamp): Block =>
        block(tip, 0, { timestamp: minTimestamp }),
      commit: (b: Block, hash: string) => {
        const stored = () => {
          tip = { height: b.header.height, hash, timestamp: b.header.timestamp };
          now += applyMs;
          log.push({ kind: 'commit', height: b.header.height });
        };
        if (!deferred) return stored();
        log.push({ kind: 'applying', height: b.header.height });
        return new Promise<void>((resolve, reject) => {
          pending = {
            resolve: () => {
              stored();
              resolve();
            },
            reject,
          };
        });
      },
    },
    observer: {
      log: ({ level, event, data }) => logged.push({ level, event, data }),
      synced: () => undefined,
      syncFailed: () => undefined,
      syncError: () => undefined,
      evidence: () => undefined,
      fatal: (err) => {
        if (!deferred) throw err;
        fatal.push(err);
      },
    },
  });
  /** Fires the earliest live timer, moving the virtual clock to it. */
  const tick = (): boolean => {
    const next = timers.filter((t) => t.live).sort((a, b) => a.at - b.at)[0];
    if (!next) return false;
    next.live = false;
    now = Math.max(now, next.at);
    next.fn();
    return true;
  };
  /** Settles the commit being applied, then lets its promise's callbacks run. */
  const finishApply = async (err?: Error): Promise<void> => {
    const p = pending;
    if (!p) throw new Error('no commit is being applied');
    pending = undefined;
    if (err) p.reject(err);
    else p.resolve();
    await new Promise((r) => setImmediate(r));
  };
  return { driver, log, logged, tick, delays, fatal, finishApply, now: () => now };
}

/** Org-1 proposes height 1 and org-2 and org-3 vote for it: height 1 commits. */
function commitHeightOne(h: ReturnType<typeof harness>): void {
  const { driver, log, tick, now } = h;
  driver.start();
  driver.dispatch({ type: 'txs_available', available: true, now: now() });
  for (let i = 0; i < 20 && !log.some((e) => e.kind === 'broadcast'); i++) tick();
  const proposed = log.find(
    (e): e is Extract<Logged, { kind: 'broadcast' }> =>
      e.kind === 'broadcast' && e.message.type === 'proposal',
  );
  if (proposed?.message.type !== 'proposal') throw new Error('the proposer broadcast no proposal');
  const hash = hashOfBlock(proposed.message.block);
  for (const type of ['prevote', 'precommit'] as const) {
    for (const voter of [2, 3]) {
      driver.dispatch({
        type: 'message',
        from: id(voter),
        message: vote(voter, type, 1, 0, hash),
        now: now(),
      });
    }
  }
}

const signed = (m: ConsensusMessage): m is Proposal | Vote => m.type !== 'decision';
const signerOf = (m: Proposal | Vote) => (m.type === 'proposal' ? m.proposer : m.voter);
const ownBroadcasts = (log: Logged[]) =>
  log.flatMap((e, at) =>
    e.kind === 'broadcast' && signed(e.message) && signerOf(e.message) === id(1)
      ? [{ at, message: e.message }]
      : [],
  );

describe('consensus driver', () => {
  it('persists every proposal and vote it signed before that message leaves the node', () => {
    const h = harness();
    const { log } = h;
    commitHeightOne(h);
    expect(log.some((e) => e.kind === 'commit' && e.height === 1)).toBe(true);

    const sent = ownBroadcasts(log);
    expect(sent.map((s) => s.message.type)).toEqual(['proposal', 'prevote', 'precommit']);
    for (const { at, message } of sent) {
      const persisted = log
        .slice(0, at)
        .some((e) => e.kind === 'persist' && e.state.sent.some((m) => m.signature === message.signature));
      expect(persisted, `${message.type} broadcast before the state that holds it was persisted`).toBe(true);
    }
  });

  it('lengthens the round timeouts by the block apply time it measured (adaptive, local)', () => {
    const quick = harness();
    commitHeightOne(quick);
    const slow = harness(3_000);
    commitHeightOne(slow);
    // Height 2's first round: after the commit timer, org-1 is not the proposer and waits for one.
    // Its propose timer is the first timer of a second or more set after the commit (the others
    // are the commit timer and the retransmission ticks, a delta of 250 ms and its doubles).
    const proposeTimer = (h: ReturnType<typeof harness>): number | undefined => {
      const from = h.delays.length;
      for (let i = 0; i < 10; i++) {
        h.tick();
        const found = h.delays.slice(from).find((ms) => ms >= 1_000);
        if (found !== undefined) return found;
      }
      return undefined;
    };
    // The core asks 1,000 ms; the slow node adds twice the 3 s it took to apply height 1, since
    // the proposer may be that late with its block.
    expect(proposeTimer(quick)).toBe(1_000);
    expect(proposeTimer(slow)).toBe(1_000 + 2 * 3_000);
    expect(slow.driver.pacer.estimate('apply')).toBe(3_000);
  });

  it('runs nothing else while a commit is applied elsewhere, then measures the whole apply', async () => {
    const h = harness(3_000, true);
    const { log, driver, delays, tick, now } = h;
    commitHeightOne(h);
    expect(log.at(-1)).toEqual({ kind: 'applying', height: 1 });
    const started = now();
    const effects = log.length;
    const timers = delays.length;
    // The rest of the deciding step (height 2's commit timer) and new input wait for the block:
    // a timer of height 1 firing, a peer's vote, transactions arriving.
    tick();
    driver.dispatch({ type: 'txs_available', available: true, now: now() });
    driver.dispatch({ type: 'message', from: id(2), message: vote(2, 'prevote', 2, 0, null), now: now() });
    expect(log.length).toBe(effects);
    expect(delays.length).toBe(timers);

    await h.finishApply();
    expect(log[effects]).toEqual({ kind: 'commit', height: 1 });
    // The deferred actions ran once it was stored, and the pacer measured until then: the 3 s of
    // the apply itself and the time the timer above moved the clock on while it was pending.
    expect(delays.length).toBeGreaterThan(timers);
    expect(now() - started).toBeGreaterThan(3_000);
    expect(driver.pacer.estimate('apply')).toBe(now() - started);
    expect(h.fatal).toEqual([]);
  });

  it('says what it waits for, and warns while a commit stays unapplied', async () => {
    const h = harness(0, true);
    const { driver, tick, now, logged } = h;
    commitHeightOne(h);
    driver.dispatch({ type: 'txs_available', available: true, now: now() });
    expect(driver.state).toEqual({ applyingMs: 0, queued: 1, syncing: false });
    const slow = () => logged.filter((l) => l.event === 'block_apply_slow');
    // Height 1's own timers fire meanwhile (ignored); the warning comes after 30 s, then every 30 s.
    for (let i = 0; i < 1_000 && slow().length < 2; i++) tick();
    expect(slow().map((l) => [l.level, l.data.height, l.data.ms])).toEqual([
      ['warn', 1, 30_000],
      ['warn', 1, 60_000],
    ]);
    expect(driver.state.applyingMs).toBeGreaterThanOrEqual(60_000);
    await h.finishApply();
    expect(driver.state).toEqual({ applyingMs: null, queued: 0, syncing: false });
    // Once stored, no further warning.
    for (let i = 0; i < 50 && now() < T0 + 200_000; i++) tick();
    expect(slow()).toHaveLength(2);
  });

  it('stops on a commit that fails where it was applied', async () => {
    const h = harness(0, true);
    commitHeightOne(h);
    const effects = h.log.length;
    await h.finishApply(new Error('disk I/O error'));
    expect(h.fatal.map((e) => (e as Error).message)).toEqual(['disk I/O error']);
    h.driver.dispatch({ type: 'txs_available', available: true, now: h.now() });
    for (let i = 0; i < 5; i++) h.tick();
    expect(h.log.length).toBe(effects);
  });
});

describe('round pacer', () => {
  it('adds factor × the largest recent measurement of the work each step waits for, capped', () => {
    const pacer = new RoundPacer({ window: 3, factor: 2, maxExtraMs: 10_000 });
    expect(pacer.extraMs('propose')).toBe(0);
    pacer.observe('apply', 400);
    pacer.observe('build', 50);
    pacer.observe('validate', 100);
    expect(pacer.extraMs('propose')).toBe(2 * (400 + 50 + 100));
    expect(pacer.extraMs('prevote')).toBe(200);
    expect(pacer.extraMs('precommit')).toBe(200);
    expect(pacer.extraMs('commit')).toBe(0);
    expect(pacer.extraMs('empty')).toBe(0);
    // The largest of the last three: a spike is forgotten three measurements later.
    pacer.observe('apply', 100);
    pacer.observe('apply', 100);
    expect(pacer.estimate('apply')).toBe(400);
    pacer.observe('apply', 100);
    expect(pacer.estimate('apply')).toBe(100);
    pacer.observe('apply', -5); // a clock that went back is no measurement
    pacer.observe('apply', Number.NaN);
    expect(pacer.estimate('apply')).toBe(100);
    pacer.observe('apply', 60_000);
    expect(pacer.extraMs('propose')).toBe(10_000);
  });
});
