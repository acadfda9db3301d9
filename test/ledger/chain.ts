import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerApp, RuleRegistry } from '../../services/chain/index.js';
import { toHex } from '../../services/common/index.js';
import { DEFAULT_CONSENSUS, type Genesis, type GenesisMember } from '../../services/config/index.js';
import { loadRuleFiles } from '../../services/contracts/index.js';
import {
  createSigner,
  type EncryptionPrivateJwk,
  type EncryptionPublicKey,
  generateSeed,
  type Signer,
} from '../../services/crypto/index.js';
import {
  type Block,
  headerHash,
  quorumOf,
  type RuleFileData,
  signTx,
  type Transaction,
  type TxBody,
  voteBytes,
} from '../../services/ledger/index.js';
import { Mempool } from '../../services/mempool/index.js';
import {
  type AuditorGrant,
  eventIdSecretOf,
  keyRingOf,
  publicIlmdKeysOf,
  SealedHere,
  type SealingConfig,
  Tiers,
} from '../../services/privacy/index.js';
import { Store, type StoredTx } from '../../services/storage/index.js';
import { MEMBERS } from '../contracts/helpers.js';
import { RULE_FILES } from '../support/ledger.js';

export type Ev = Record<string, unknown>;
export const ORGS = ['farm', 'packer', 'retail', 'carrier'] as const;
export type Org = (typeof ORGS)[number];

const CARRIER = {
  id: 'carrier',
  parties: ['urn:epc:id:pgln:0614141.00004'],
  locations: ['urn:epc:id:sgln:0614141.00004.0'],
};

/** An EPCIS 2.0 capture document around events. */
export function documentOf(events: Ev[]): Record<string, unknown> {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-01T10:00:00.000Z',
    epcisBody: { eventList: events },
  };
}

/**
 * One node's ledger application over a real SQLite store, fed blocks the way consensus feeds it
 * (build, validate, commit), with transactions and certificates signed by every member's key.
 */
export class Chain {
  readonly dir = mkdtempSync(join(tmpdir(), 'waybill-chain-'));
  readonly signers: Record<Org, Signer>;
  readonly genesis: Genesis;
  readonly store: Store;
  readonly mempool = new Mempool({ maxTxs: 10_000, maxBytes: 1e9 });
  readonly app: LedgerApp;
  private clock = 1_777_000_000_000;

  /** A sealed network's sealing config (docs/privacy.md), when the chain was made with keys. */
  readonly sealing: SealingConfig | undefined;

  constructor(
    readonly self: Org = 'farm',
    grants?: AuditorGrant[],
    /** Each member's X25519 key: a sealed network (genesis `privacy: sealed`); absent: open. */
    readonly encryption?: Record<Org, { privateJwk: EncryptionPrivateJwk; publicKey: EncryptionPublicKey }>,
  ) {
    this.signers = Object.fromEntries(ORGS.map((o) => [o, createSigner(generateSeed())])) as Record<
      Org,
      Signer
    >;
    const members = [...MEMBERS, CARRIER].map(
      (m): GenesisMember => ({
        ...m,
        name: m.id,
        publicKey: toHex(this.signers[m.id as Org].publicKey),
        peerId: 'unused',
        jwtIssuerKey: { kty: 'OKP', crv: 'Ed25519', x: 'unused' },
        host: '127.0.0.1',
        apiPort: 1,
        p2pPort: 2,
        ...(encryption ? { encryptionKeys: [encryption[m.id as Org].publicKey] } : {}),
      }),
    );
    this.genesis = {
      network: 'n',
      timestamp: this.clock,
      members,
      consensus: { ...DEFAULT_CONSENSUS },
      rules: RULE_FILES,
      ...(grants === undefined ? {} : { grants }),
      ...(encryption ? { privacy: 'sealed' as const } : {}),
    };
    this.sealing = encryption && {
      keys: keyRingOf(members),
      tiers: new Tiers({ membersAt: () => members }, publicIlmdKeysOf(loadRuleFiles(RULE_FILES))),
      eventIdSecret: eventIdSecretOf(generateSeed()),
      sealedHere: new SealedHere(),
    };
    this.store = this.openStore(this.dir);
    this.app = this.appOver(this.store, this.mempool);
  }

  openStore(dir: string): Store {
    return Store.open(dir, {
      network: 'n',
      genesisHash: 'aa'.repeat(32),
      genesisTimestamp: this.genesis.timestamp,
    });
  }

  appOver(store: Store, mempool: Mempool): LedgerApp {
    const rules = new RuleRegistry(
      store,
      this.genesis.rules,
      this.genesis.members,
      quorumOf(4).quorum,
      this.genesis.privacy === 'sealed',
    );
    return new LedgerApp({
      genesis: this.genesis,
      self: this.self,
      store,
      mempool,
      signer: this.signers[this.self],
      rules,
      clock: Date.now,
      ...(this.sealing ? { sealing: this.sealing } : {}),
    });
  }

  tx(org: Org, body: Record<string, unknown>): Transaction {
    return signTx({ ...body, network: 'n', org } as TxBody, this.signers[org]);
  }

  capture(org: Org, events: Ev[], errorBehaviour: 'rollback' | 'proceed' = 'rollback'): Transaction {
    return this.tx(org, {
      kind: 'capture',
      submitter: `${org}-erp`,
      errorBehaviour,
      document: documentOf(events),
    });
  }

  propose(org: Org, files: RuleFileData[]): Transaction {
    return this.tx(org, { kind: 'rules_proposal', files });
  }

  approve(org: Org, hash: string): Transaction {
    return this.tx(org, { kind: 'rules_approval', hash });
  }

  /** Orders `txs` into the next block, as this node's proposer would, and commits it. */
  commit(...txs: Transaction[]): Block {
    this.app.receive(txs);
    const tip = this.store.tip();
    this.clock += 1000;
    const block = this.app.buildBlock(tip.height + 1, 0, tip.hash, tip.timestamp + 1, this.clock);
    if (!this.app.validateBlock(block)) throw new Error('the node refuses its own block');
    this.commitBlock(block);
    return block;
  }

  /** Commits with a certificate of every member's precommit, as consensus would gather it. */
  commitBlock(block: Block, app: LedgerApp = this.app): void {
    const hash = headerHash(block.header);
    const { height } = block.header;
    const bytes = voteBytes('precommit', 'n', height, 0, hash);
    const signatures = ORGS.map((member) => ({ member, signature: toHex(this.signers[member].sign(bytes)) }));
    app.commit(block, hash, { height, round: 0, blockHash: hash, signatures });
  }

  /** The genesis file's keys, as an auditor's verifier reads them. */
  genesisKeys(): { network: string; members: { id: string; publicKey: string }[] } {
    return { network: 'n', members: this.genesis.members.map((m) => ({ id: m.id, publicKey: m.publicKey })) };
  }

  /** The committed transaction (capture job) of `tx`. */
  result(tx: Transaction): StoredTx {
    const stored = this.store.getTx(tx.id);
    if (!stored) throw new Error(`transaction ${tx.id} is not committed`);
    return stored;
  }

  codes(tx: Transaction): string[] {
    return this.result(tx).errors.map((e) => e.code);
  }

  close(): void {
    this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
