import { sha256Hex, toHex } from '../../common/index.js';
import type { Signer } from '../../crypto/index.js';
import { type Block, headerHash, txRootOf, voteBytes } from '../../ledger/index.js';
import { signProposal, signVote } from '../messages.js';
import type { ChainTip, ConsensusMessage, Decision, Proposal, Vote } from '../types.js';
import { SIM_APP_ROOTS } from './app.js';
import type { ByzantineSpec } from './config.js';
import type { Prng } from './prng.js';

/** What an adversary needs from the simulator. */
export interface AdversaryContext {
  network: string;
  /** The identity it signs as. */
  id: string;
  signer: Signer;
  /** Member ids in genesis order. */
  members: readonly string[];
  rng: Prng;
  send(to: number, message: ConsensusMessage): void;
  /** Processes it can address (every other identity). */
  peers(): number[];
}

type Signed = Proposal | Vote;

/** Ten thousand rounds is the core's limit; this is beyond it. */
const FAR_ROUNDS = 20_000;

/**
 * The Byzantine side of a member whose node runs the unchanged core: every message the core sends
 * passes through here and may be replaced, doubled or surrounded by junk, as the spec says.
 */
export class Adversary {
  /** The conflicting twin of each own message, per slot: at most two values per slot are signed. */
  private readonly alternatives = new Map<string, Signed>();

  constructor(
    private readonly spec: ByzantineSpec,
    private readonly ctx: AdversaryContext,
  ) {}

  broadcast(m: ConsensusMessage): void {
    for (const peer of this.ctx.peers()) this.send(peer, m);
  }

  send(peer: number, m: ConsensusMessage): void {
    const { rng } = this.ctx;
    const bad = this.spec.badSignatures && m.type !== 'decision' && rng.chance(0.5) ? this.corrupt(m) : null;
    // A broken copy sometimes arrives first: it must not keep the real one from counting.
    if (bad && rng.chance(0.5)) this.ctx.send(peer, bad);
    for (const x of this.versions(m)) this.ctx.send(peer, x);
    if (bad && !rng.chance(0.5)) this.ctx.send(peer, bad);
    if (this.spec.flood && m.type !== 'decision') for (const junk of this.junk(m)) this.ctx.send(peer, junk);
  }

  /** What this peer gets instead of `m`: `m`, its conflicting twin, or both in either order. */
  private versions(m: ConsensusMessage): ConsensusMessage[] {
    if (m.type === 'decision') return [m];
    const own = (m.type === 'proposal' ? m.proposer : m.voter) === this.ctx.id;
    const alt =
      own && m.type === 'proposal' && this.spec.equivocate
        ? this.alternative(m)
        : own && m.type !== 'proposal' && this.spec.doubleVote
          ? this.alternative(m)
          : null;
    if (!alt) return [m];
    return [[m], [alt], [m, alt], [alt, m]][this.ctx.rng.int(0, 3)] as ConsensusMessage[];
  }

  private alternative(m: Signed): Signed {
    const key = `${m.type} ${m.height} ${m.round}`;
    let alt = this.alternatives.get(key);
    if (!alt) {
      alt = m.type === 'proposal' ? this.otherProposal(m) : this.otherVote(m);
      this.alternatives.set(key, alt);
    }
    return alt;
  }

  /** Another valid block for the same slot: one tx fewer (if any) and a later timestamp. */
  private otherProposal(p: Proposal): Proposal {
    const txs = p.block.txs.slice(0, Math.max(0, p.block.txs.length - 1));
    const header = {
      ...p.block.header,
      view: p.round,
      timestamp: p.block.header.timestamp + 1,
      txRoot: txRootOf(txs),
      txCount: txs.length,
    };
    const block: Block = { header, txs };
    return signProposal(this.ctx.signer, this.ctx.network, this.ctx.id, {
      height: p.height,
      round: p.round,
      block,
      validRound: -1,
    });
  }

  /** nil for a block vote; a vote for a block nobody has for a nil vote. */
  private otherVote(v: Vote): Vote {
    const blockHash = v.blockHash === null ? phantomHash(v.height, v.round) : null;
    return this.vote(v.type, v.height, v.round, blockHash);
  }

  /** A copy whose signature cannot verify: flipped, claimed by another member, or content changed. */
  private corrupt(m: Signed): Signed {
    const { rng, members } = this.ctx;
    const choice = rng.int(0, 2);
    if (choice === 0) return { ...m, signature: flipLastHexDigit(m.signature) };
    if (choice === 1) {
      const other = rng.pick(members.filter((id) => id !== this.ctx.id));
      return m.type === 'proposal' ? { ...m, proposer: other } : { ...m, voter: other };
    }
    if (m.type !== 'proposal') return { ...m, blockHash: phantomHash(m.height, m.round + 1) };
    const header = { ...m.block.header, timestamp: m.block.header.timestamp + 7 };
    return { ...m, block: { ...m.block, header } };
  }

  /** Junk sent along with `m`: replays, signed votes far ahead or at other heights, bad shapes. */
  private junk(m: Signed): ConsensusMessage[] {
    const { rng } = this.ctx;
    const { height, round } = m;
    const out: ConsensusMessage[] = [m, m]; // duplicates: dropped by signature before any hashing
    const type = rng.chance(0.5) ? 'prevote' : 'precommit';
    const pick = rng.int(0, 7);
    if (pick === 0) out.push(this.vote(type, height, round + rng.int(1, 30), null));
    if (pick === 1) out.push(this.vote(type, height, round + FAR_ROUNDS, null));
    if (pick === 2) out.push(this.vote(type, height + 1, rng.int(0, 3), null));
    if (pick === 3) out.push(this.vote(type, height + rng.int(2, 5), 0, null));
    if (pick === 4 && height > 1)
      out.push(this.vote(type, height - rng.int(1, Math.min(3, height - 1)), 0, null));
    if (pick === 5 && m.type === 'proposal') {
      // Wrong shapes a wire codec lets through: validRound not below round, view after round.
      const header = { ...m.block.header, view: m.round + 1 };
      out.push({ ...m, validRound: m.round });
      out.push({ ...m, block: { ...m.block, header } });
    }
    if (pick === 6 && m.type === 'proposal') out.push(bogusDecision(this.ctx, m.block, round));
    if (pick === 7) out.push(this.vote(type, height, round, phantomHash(height, round + 2)));
    return out;
  }

  private vote(type: Vote['type'], height: number, round: number, blockHash: string | null): Vote {
    return signVote(this.ctx.signer, this.ctx.network, this.ctx.id, { type, height, round, blockHash });
  }
}

/** What an outsider needs: where the honest network stands, and a way to send. */
export interface IntruderContext {
  network: string;
  id: string;
  /** Its own key: a valid signature, just not a member's. */
  signer: Signer;
  members: readonly string[];
  rng: Prng;
  send(to: number, message: ConsensusMessage): void;
  targets(): number[];
  /** The tip and round of some honest node, to aim at the height being decided. */
  view(): { tip: ChainTip; round: number };
  /**
   * Also prevote and precommit a block of its own and a phantom one: what a removed validator's
   * key would add to a real quorum if nodes still counted it.
   */
  phantomVotes?: boolean;
}

/**
 * A process that is not a member: it sends validly signed proposals and votes under its own name,
 * messages that claim to come from members but carry its signature, and decisions for the current
 * height with certificates of its own signatures. Every node must drop all of it.
 */
export class Intruder {
  constructor(private readonly ctx: IntruderContext) {}

  tick(): void {
    const { rng, signer, network, id, members } = this.ctx;
    const { tip, round } = this.ctx.view();
    const height = tip.height + 1;
    const block = junkBlock(network, tip, id, round);
    const messages: ConsensusMessage[] = [
      signVote(signer, network, id, { type: 'prevote', height, round, blockHash: null }),
      signVote(signer, network, id, { type: 'precommit', height, round: round + 1, blockHash: null }),
      signProposal(signer, network, id, { height, round, block, validRound: -1 }),
      {
        ...signVote(signer, network, id, { type: 'prevote', height, round, blockHash: null }),
        voter: rng.pick(members),
      },
      bogusDecision(this.ctx, block, round),
    ];
    if (this.ctx.phantomVotes) {
      const own = headerHash(block.header);
      const phantom = phantomHash(height, round);
      for (const blockHash of [own, phantom]) {
        messages.push(
          signVote(signer, network, id, { type: 'prevote', height, round, blockHash }),
          signVote(signer, network, id, { type: 'precommit', height, round, blockHash }),
        );
      }
    }
    for (const peer of this.ctx.targets()) {
      for (const m of messages) if (rng.chance(0.6)) this.ctx.send(peer, m);
    }
  }
}

/** A hash no block has. */
function phantomHash(height: number, round: number): string {
  return sha256Hex(`waybill-sim/phantom/${height}/${round}`);
}

function flipLastHexDigit(hex: string): string {
  const last = hex.at(-1) === '0' ? '1' : '0';
  return `${hex.slice(0, -1)}${last}`;
}

/** An empty block at the height after `tip`, claimed by `proposer` (not necessarily a member). */
function junkBlock(network: string, tip: ChainTip, proposer: string, round: number): Block {
  const header = {
    network,
    height: tip.height + 1,
    view: round,
    parentHash: tip.hash,
    txRoot: txRootOf([]),
    txCount: 0,
    proposer,
    timestamp: tip.timestamp + 1,
    ...SIM_APP_ROOTS,
  };
  return { header, txs: [] };
}

/**
 * A decision for `block` whose certificate names every member, each with a precommit signature
 * made with the sender's key: the right bytes, the wrong signer, so no quorum verifies.
 */
function bogusDecision(
  ctx: { network: string; signer: Signer; members: readonly string[] },
  block: Block,
  round: number,
): Decision {
  const { height } = block.header;
  const blockHash = headerHash(block.header);
  const signature = toHex(ctx.signer.sign(voteBytes('precommit', ctx.network, height, round, blockHash)));
  const signatures = ctx.members.map((member) => ({ member, signature }));
  return { type: 'decision', block, certificate: { height, round, blockHash, signatures } };
}
