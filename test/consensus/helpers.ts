import { sha256 } from '../../services/common/encoding.js';
import type {
  ChainTip,
  ConsensusAction,
  ConsensusConfig,
  ConsensusCore,
  ConsensusInput,
  ConsensusMessage,
  ConsensusTimeouts,
  PersistedState,
  Proposal,
  Validator,
  Vote,
} from '../../services/consensus/index.js';
import { createConsensusCore } from '../../services/consensus/index.js';
import { signProposal, signVote } from '../../services/consensus/messages.js';
import { SIM_APP_ROOTS } from '../../services/consensus/sim/app.js';
import { createSigner, type Signer, verify } from '../../services/crypto/index.js';
import { type Block, headerHash, txRootOf } from '../../services/ledger/index.js';

export const NETWORK = 'test-net';
/** Node clocks in these tests read T0 plus whatever a test adds. */
export const T0 = 1_750_000_000_000;
export const GENESIS: ChainTip = { height: 0, hash: 'ab'.repeat(32), timestamp: T0 - 1000 };

export const TIMEOUTS: ConsensusTimeouts = {
  proposeMs: 1000,
  prevoteMs: 500,
  precommitMs: 500,
  deltaMs: 250,
  commitMs: 20,
  emptyBlockIntervalMs: 10_000,
  maxClockDriftMs: 5_000,
};

/** Four validators with real Ed25519 keys (deterministic seeds): org-0 .. org-3. */
export const signers: Signer[] = [0, 1, 2, 3].map((i) => createSigner(sha256(`consensus-test/${i}`)));
export const validators: Validator[] = signers.map((s, i) => ({ id: `org-${i}`, publicKey: s.publicKey }));
export const id = (i: number): string => `org-${i}`;

export function config(self: number, overrides: Partial<ConsensusConfig> = {}): ConsensusConfig {
  return {
    network: NETWORK,
    self: id(self),
    validators,
    timeouts: TIMEOUTS,
    signer: signers[self] as Signer,
    verify,
    validateBlock: () => true,
    ...overrides,
  };
}

/** A valid block for `height` on top of `tip`, as the proposer of (height, view) builds it. */
export function block(tip: ChainTip, view = 0, extra: { timestamp?: number; marker?: string } = {}): Block {
  const height = tip.height + 1;
  const proposer = validators[(height + view) % validators.length]?.id ?? '';
  const txs: Block['txs'] = [];
  const timestamp = extra.timestamp ?? tip.timestamp + 500 + (extra.marker ? extra.marker.length : 0);
  const header = {
    network: NETWORK,
    height,
    view,
    parentHash: tip.hash,
    txRoot: txRootOf(txs),
    txCount: 0,
    proposer,
    timestamp,
    ...SIM_APP_ROOTS,
  };
  return { header, txs };
}

export const hashOfBlock = (b: Block): string => headerHash(b.header);

export function proposal(
  signer: number,
  b: Block,
  round: number,
  validRound = -1,
  height = b.header.height,
): Proposal {
  return signProposal(signers[signer] as Signer, NETWORK, id(signer), {
    height,
    round,
    block: b,
    validRound,
  });
}

export function vote(
  voter: number,
  type: Vote['type'],
  height: number,
  round: number,
  blockHash: string | null,
): Vote {
  return signVote(signers[voter] as Signer, NETWORK, id(voter), { type, height, round, blockHash });
}

/** An input without its clock reading: the harness adds `now`. */
type Input = ConsensusInput extends infer U
  ? U extends ConsensusInput
    ? Omit<U, 'now'> & { now?: number }
    : never
  : never;

/** A core under test plus a log of everything it did. */
export class Harness {
  readonly core: ConsensusCore;
  readonly all: ConsensusAction[] = [];
  now = T0;

  constructor(
    readonly self: number,
    overrides: Partial<ConsensusConfig> = {},
  ) {
    this.core = createConsensusCore(config(self, overrides));
  }

  step(input: Input): ConsensusAction[] {
    const out = this.core.step({ now: this.now, ...input } as ConsensusInput);
    this.all.push(...out);
    return out;
  }

  start(tip: ChainTip = GENESIS, persisted: PersistedState | null = null): ConsensusAction[] {
    return this.step({ type: 'start', tip, persisted });
  }

  /** Start, then let the commit wait pass with txs available: round 0 begins. */
  startRound0(tip: ChainTip = GENESIS): ConsensusAction[] {
    this.start(tip);
    this.step({ type: 'txs_available', available: true });
    return this.step({ type: 'timeout', height: tip.height + 1, round: 0, step: 'commit' });
  }

  receive(message: ConsensusMessage, from?: string): ConsensusAction[] {
    const sender =
      from ??
      (message.type === 'proposal' ? message.proposer : message.type === 'decision' ? id(1) : message.voter);
    return this.step({ type: 'message', from: sender, message });
  }

  timeout(height: number, round: number, step: 'propose' | 'prevote' | 'precommit' | 'commit' | 'empty') {
    return this.step({ type: 'timeout', height, round, step });
  }
}

/** Own votes this core broadcast, e.g. signed('prevote', actions). */
export function signed(type: Vote['type'], actions: ConsensusAction[]): Vote[] {
  return actions.flatMap((a) => (a.type === 'broadcast' && a.message.type === type ? [a.message] : []));
}

export function ofType<T extends ConsensusAction['type']>(
  type: T,
  actions: ConsensusAction[],
): Extract<ConsensusAction, { type: T }>[] {
  return actions.filter((a): a is Extract<ConsensusAction, { type: T }> => a.type === type);
}

export function logged(event: string, actions: ConsensusAction[]): boolean {
  return actions.some((a) => a.type === 'log' && a.event === event);
}
