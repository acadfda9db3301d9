import {
  compileRuleFiles,
  createEngine,
  type Engine,
  formatProblem,
  loadRuleFiles,
  type Member,
  ruleSetHash,
} from '../contracts/index.js';
import type { RuleProposal, RulesBook } from '../execution/index.js';
import type { RuleFileData } from '../ledger/index.js';
import { publicIlmdKeysOf, sealedFieldProblems, sealedIlmdProblems } from '../privacy/index.js';
import type { Store } from '../storage/index.js';

/** The members the custody rules see at a height (chain/member-book.ts), or a fixed list. */
export interface MemberDirectory {
  at(height: number): { members: readonly Member[] };
}

/** What the registry reads of the ledger: committed proposals and their files. */
export type RuleSetStore = Pick<Store, 'ruleProposals' | 'ruleProposal' | 'ruleFiles'>;

const CHECKED_CACHE = 64;

/**
 * The rule sets a node evaluates blocks under: the genesis rules and every version governance
 * activated, compiled once each. The version in force at a height is the last one activated at or
 * below it, so replaying an old block uses the rules it was executed under.
 */
export class RuleRegistry implements RulesBook {
  /** Compiled engines by rule-set hash, per member list (a new list only when membership changes). */
  private readonly engines = new Map<string, WeakMap<readonly Member[], Engine>>();
  private readonly directory: MemberDirectory;
  private readonly quorumOf: (height: number) => number;
  private readonly checked = new Map<string, { hash: string; problems: string[] }>();
  readonly genesisHash: string;

  constructor(
    private readonly store: RuleSetStore,
    genesisRules: readonly RuleFileData[],
    members: readonly Member[] | MemberDirectory,
    quorum: number | ((height: number) => number),
    /**
     * A sealed network (genesis `privacy`): a proposed rule set that reads a sealed field, or an
     * ilmd key the genesis rules do not read, is invalid, as `network init` and `waybill contracts
     * check` refuse the first. Every node judges the public view only, where such a field is
     * absent: the rule would judge every event on nothing.
     */
    private readonly sealed = false,
  ) {
    const ruleSet = loadRuleFiles(genesisRules);
    this.genesisHash = ruleSet.hash;
    this.publicIlmdKeys = publicIlmdKeysOf(ruleSet);
    this.genesisFiles = genesisRules;
    const fixed = members as readonly Member[];
    this.directory = Array.isArray(members)
      ? { at: () => ({ members: fixed }) }
      : (members as MemberDirectory);
    this.quorumOf = typeof quorum === 'number' ? () => quorum : quorum;
  }

  private readonly genesisFiles: readonly RuleFileData[];
  /** The ilmd keys a sealed network shows in its public views: those the genesis rules read. */
  private readonly publicIlmdKeys: readonly string[];

  /** Member approvals needed at `height`: 2f+1 of its validators. */
  quorumAt(height: number): number {
    return this.quorumOf(height);
  }

  at(height: number): { hash: string; engine: Engine } {
    let hash = this.genesisHash;
    let best: { height: number; seq: number } | undefined;
    for (const p of this.store.ruleProposals()) {
      if (p.activationHeight === null || p.activationHeight > height) continue;
      const rank = { height: p.activationHeight, seq: p.activationSeq ?? 0 };
      if (!best || rank.height > best.height || (rank.height === best.height && rank.seq > best.seq)) {
        best = rank;
        hash = p.hash;
      }
    }
    return { hash, engine: this.engine(hash, this.directory.at(height).members) };
  }

  /** Every version, genesis first, and which one governs block `nextHeight`. */
  versions(nextHeight: number): (RuleProposal & { active: boolean })[] {
    const active = this.at(nextHeight).hash;
    const genesis: RuleProposal = {
      hash: this.genesisHash,
      proposer: 'genesis',
      proposedHeight: 0,
      approvals: [],
      activationHeight: 1,
    };
    const proposals = this.store.ruleProposals().map(({ activationSeq: _, ...p }) => p);
    return [genesis, ...proposals].map((p) => ({ ...p, active: p.hash === active }));
  }

  proposal(hash: string): RuleProposal | undefined {
    return this.store.ruleProposal(hash);
  }

  /** Compiles proposed files once per hash (a bounded cache: proposals arrive by gossip). */
  check(files: readonly RuleFileData[]): { hash: string; problems: string[] } {
    const hash = ruleSetHash(files);
    let result = this.checked.get(hash);
    if (!result) {
      const { problems, ruleSet } = compileRuleFiles(files);
      const sealedReads = this.sealed
        ? [...sealedFieldProblems(ruleSet), ...sealedIlmdProblems(ruleSet, this.publicIlmdKeys)]
        : [];
      result = { hash, problems: [...problems, ...sealedReads].map(formatProblem) };
      this.checked.set(hash, result);
      if (this.checked.size > CHECKED_CACHE) this.checked.delete(this.checked.keys().next().value as string);
    }
    return result;
  }

  private engine(hash: string, members: readonly Member[]): Engine {
    let byMembers = this.engines.get(hash);
    if (!byMembers) {
      byMembers = new WeakMap();
      this.engines.set(hash, byMembers);
    }
    let engine = byMembers.get(members);
    if (!engine) {
      const files = hash === this.genesisHash ? this.genesisFiles : this.store.ruleFiles(hash);
      if (!files) throw new Error(`rule set ${hash} is active but not stored`);
      engine = createEngine(loadRuleFiles(files), members);
      byMembers.set(members, engine);
    }
    return engine;
  }
}
