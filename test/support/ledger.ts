import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuleRegistry, type RuleSetStore } from '../../services/chain/index.js';
import { toHex } from '../../services/common/index.js';
import { DEFAULT_CONSENSUS, defaultContractsDir, type Genesis } from '../../services/config/index.js';
import {
  EMPTY_STATE_ROOT,
  type Member,
  MemoryCustodyState,
  readRuleFiles,
  ruleSetHash,
} from '../../services/contracts/index.js';
import { createSigner, generateSeed, type Signer } from '../../services/crypto/index.js';
import type { ExecutionContext, MembersBook, StateView } from '../../services/execution/index.js';
import { executeBlock } from '../../services/execution/index.js';
import {
  type Block,
  EMPTY_ROOT,
  headerHash,
  type MemberRecord,
  MemberSet,
  type RuleFileData,
  signTx,
  type Transaction,
  txRootOf,
} from '../../services/ledger/index.js';
import { GenesisGrants, Recipients } from '../../services/privacy/index.js';
import { Store } from '../../services/storage/index.js';

/** The consortium rules shipped in contracts/, as genesis carries them. */
export const RULE_FILES = readRuleFiles(defaultContractsDir());

/** Genesis of a one-member network ('grower', keyed by `signer`) with the default rules and consensus. */
export function oneMemberGenesis(signer: Signer): Genesis {
  return {
    network: 'n',
    timestamp: 0,
    members: [
      {
        id: 'grower',
        name: 'grower',
        parties: [],
        locations: [],
        publicKey: toHex(signer.publicKey),
        peerId: 'unused',
        jwtIssuerKey: { kty: 'OKP', crv: 'Ed25519', x: 'unused' },
        host: '127.0.0.1',
        apiPort: 1,
        p2pPort: 2,
      },
    ],
    consensus: DEFAULT_CONSENSUS,
    rules: RULE_FILES,
  };
}

const NO_PROPOSALS: RuleSetStore = {
  ruleProposals: () => [],
  ruleProposal: () => undefined,
  ruleFiles: () => undefined,
};

/** No member governance: an empty member set at every height (tests of custody and rule governance). */
const NO_MEMBERS: MembersBook = {
  at: () => new MemberSet([]),
  proposal: () => undefined,
  scheduledAfter: () => [],
};

/** Execution over an in-memory ledger view and custody state, under the genesis rules. */
export function memoryContext(ledger: Partial<StateView> = {}, members: Member[] = []): ExecutionContext {
  return {
    ledger: {
      hasEvent: () => false,
      hasEvidence: () => false,
      eventOrigin: () => undefined,
      ...ledger,
    },
    custody: new MemoryCustodyState(),
    rules: new RuleRegistry(NO_PROPOSALS, RULE_FILES, members, 1),
    members: NO_MEMBERS,
    network: 'test-net',
    recipients: new Recipients(members, new GenesisGrants([])),
  };
}

/** Execution over a real store, as the node runs it. */
export function storeContext(
  store: Store,
  members: Member[] = [],
  quorum = 1,
  rules: RuleFileData[] = RULE_FILES,
  auditors: readonly string[] = [],
): ExecutionContext {
  // An auditor is a member with a grant without scope: it receives every event.
  const all = [...members, ...auditors.map((id) => ({ id, parties: [], locations: [] }))];
  return {
    ledger: store,
    custody: store.custody,
    rules: new RuleRegistry(store, rules, members, quorum),
    members: NO_MEMBERS,
    network: 'test-net',
    recipients: new Recipients(all, new GenesisGrants(auditors.map((org) => ({ org, role: 'auditor' })))),
  };
}

/** A rule set without rules: every event is accepted (for tests of what is not custody). */
export const OPEN_RULES: RuleFileData[] = [{ name: 'open.yaml', text: 'rules: []\n' }];

/** Header roots of block 1 under the shipped rules (what a node expects of the first block). */
export const GENESIS_ROOTS = {
  parentStateRoot: EMPTY_STATE_ROOT,
  parentResultsRoot: EMPTY_ROOT,
  rulesHash: ruleSetHash(RULE_FILES),
};

/**
 * Block 1 of network `n` holding `txs`, with the header a node expects under the shipped rules;
 * with `members` (the genesis members), also the member-set hashes a node's LedgerApp expects.
 */
export function firstBlock(
  txs: Transaction[],
  proposer = 'a',
  timestamp = 1,
  members?: readonly MemberRecord[],
): Block {
  const header = {
    network: 'n',
    height: 1,
    view: 0,
    parentHash: '00',
    txRoot: txRootOf(txs),
    txCount: txs.length,
    proposer,
    timestamp,
    ...GENESIS_ROOTS,
    ...(members && {
      membersHash: new MemberSet(members).hash,
      nextMembersHash: new MemberSet(members).hash,
    }),
  };
  return { header, txs };
}

const IDENTITY = { network: 'n', genesisHash: 'aa'.repeat(32), genesisTimestamp: 1_000 };
/** recordTime of block h is BASE_TIME + h seconds. */
export const BASE_TIME = Date.parse('2026-04-20T00:00:00Z');

export type TestEvent = Record<string, unknown> & { eventID: string; type: string };

/**
 * A store in a temp directory, filled with real blocks: signed captures, executed and committed.
 * Under an empty rule set, every event is accepted: these ledgers test indexing, not custody.
 */
export class TestLedger {
  readonly dir = mkdtempSync(join(tmpdir(), 'waybill-ledger-'));
  store = Store.open(this.dir, IDENTITY);
  private readonly signer = createSigner(generateSeed());

  /**
   * `auditors`: orgs holding an auditor grant, so they receive every event (a test reading the
   * whole ledger with one org's token names that org here).
   */
  constructor(private readonly auditors: readonly string[] = []) {}

  /** Commits one block of one capture per entry (`proceed`); the same events again need another submitter. */
  commit(...captures: Array<{ org: string; events: TestEvent[]; submitter?: string }>): number {
    const tip = this.store.tip();
    const height = tip.height + 1;
    const txs = captures.map(({ org, events, submitter }) =>
      signTx(
        {
          kind: 'capture',
          network: 'n',
          org,
          submitter: submitter ?? `${org}-erp`,
          errorBehaviour: 'proceed',
          document: { epcisBody: { eventList: events } },
        },
        this.signer,
      ),
    );
    const block: Block = {
      header: {
        network: 'n',
        height,
        view: 0,
        parentHash: tip.hash,
        txRoot: txRootOf(txs),
        txCount: txs.length,
        proposer: 'a',
        timestamp: BASE_TIME + height * 1000,
        ...GENESIS_ROOTS,
      },
      txs,
    };
    const hash = headerHash(block.header);
    const certificate = { height, round: 0, blockHash: hash, signatures: [] };
    this.store.commitBlock(
      { hash, block, certificate },
      executeBlock(block, storeContext(this.store, [], 1, OPEN_RULES, this.auditors)),
    );
    return height;
  }

  reopen(): void {
    this.store.close();
    this.store = Store.open(this.dir, IDENTITY);
  }

  destroy(): void {
    this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
