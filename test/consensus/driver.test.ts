import { describe, expect, it } from 'vitest';
import {
  ConsensusDriver,
  type ConsensusMessage,
  createConsensusCore,
  type PersistedState,
  type Proposal,
  type Vote,
} from '../../services/consensus/index.js';
import type { Block, CommittedBlock } from '../../services/ledger/index.js';
import { block, config, GENESIS, hashOfBlock, id, T0, vote } from './helpers.js';

type Logged =
  | { kind: 'persist'; state: PersistedState }
  | { kind: 'broadcast'; message: ConsensusMessage }
  | { kind: 'commit'; height: number };

/** The driver of org-1 (the proposer of height 1, round 0) on virtual ports that log every effect. */
function harness() {
  const log: Logged[] = [];
  let now = T0;
  const timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  let tip = GENESIS;
  const driver = new ConsensusDriver({
    core: createConsensusCore(config(1)),
    clock: () => now,
    timers: {
      set: (fn, delayMs) => {
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
        tip = { height: b.header.height, hash, timestamp: b.header.timestamp };
        log.push({ kind: 'commit', height: b.header.height });
      },
    },
    observer: {
      log: () => undefined,
      synced: () => undefined,
      syncFailed: () => undefined,
      syncError: () => undefined,
      evidence: () => undefined,
      fatal: (err) => {
        throw err;
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
  return { driver, log, tick, now: () => now };
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
    const { driver, log, tick, now } = harness();
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
        const message = vote(voter, type, 1, 0, hash);
        driver.dispatch({ type: 'message', from: id(voter), message, now: now() });
      }
    }
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
});
