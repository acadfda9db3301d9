import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../../services/common/index.js';
import { EMPTY_STATE_ROOT } from '../../services/contracts/index.js';
import { createSigner, type Signer, verify } from '../../services/crypto/index.js';
import { executeBlock } from '../../services/execution/index.js';
import {
  type Block,
  type CommitCertificate,
  EMPTY_ROOT,
  headerHash,
  signTx,
  type Transaction,
  txRootOf,
  voteBytes,
} from '../../services/ledger/index.js';
import { ProofQueries } from '../../services/query/index.js';
import { Store } from '../../services/storage/index.js';
import type { GenesisKeys } from '../../services/verify/index.js';
import { GENESIS, NETWORK, signers, T0, validators } from '../consensus/helpers.js';
import { storeContext } from './ledger.js';

/**
 * Header roots of the proof ledger's blocks, fixed so that docs/proofs.md's worked example does not
 * change whenever contracts/ does (these blocks go straight to the store, so no node checks them).
 */
const EXAMPLE_ROOTS = {
  parentStateRoot: EMPTY_STATE_ROOT,
  parentResultsRoot: EMPTY_ROOT,
  rulesHash: EMPTY_ROOT,
};

// A real ledger for proof tests: blocks of capture transactions signed by the members' node keys,
// executed, committed to SQLite with certificates of real precommit signatures.

export const GENESIS_KEYS: GenesisKeys = {
  network: NETWORK,
  members: validators.map((v) => ({ id: v.id, publicKey: toHex(v.publicKey) })),
};

/** Not a member: its signatures must never count. */
export const outsider: Signer = createSigner(new Uint8Array(32).fill(7));

export function event(eventID: string, minute = 0) {
  return {
    type: 'ObjectEvent',
    eventID,
    eventTime: `2026-11-24T10:${String(minute).padStart(2, '0')}:00.000Z`,
    eventTimeZoneOffset: '+00:00',
    action: 'ADD',
    bizStep: 'commissioning',
    // One object per eventID: custody refuses to commission an object twice.
    epcList: [`urn:epc:id:sgtin:0614141.107346.${eventID.replace(/[^A-Za-z0-9]/g, '')}`],
  };
}

export function captureTx(
  org: number,
  eventIDs: string[],
  errorBehaviour: 'rollback' | 'proceed' = 'proceed',
): Transaction {
  const document = {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-11-24T10:00:00.000Z',
    epcisBody: { eventList: eventIDs.map((id, i) => event(id, i)) },
  };
  const body = {
    kind: 'capture',
    network: NETWORK,
    org: `org-${org}`,
    submitter: 'erp',
    errorBehaviour,
    document,
  };
  return signTx(body as Parameters<typeof signTx>[0], signers[org] as Signer);
}

/** Precommits of the given members (all four by default), in validator order. */
export function certificateFor(
  height: number,
  hash: string,
  members = [0, 1, 2, 3],
  round = 0,
): CommitCertificate {
  const bytes = voteBytes('precommit', NETWORK, height, round, hash);
  const signatures = members.map((i) => ({
    member: `org-${i}`,
    signature: toHex((signers[i] as Signer).sign(bytes)),
  }));
  return { height, round, blockHash: hash, signatures };
}

const PAD_DUPLICATE = { member: 'org-0', signature: 'cd'.repeat(64) };
const PAD_ROGUE = { member: 'rogue', signature: 'ab'.repeat(64) };

export interface ProofLedger {
  store: Store;
  proofs: ProofQueries;
  /** Every eventID accepted, and those only rejected. */
  accepted: string[];
  rejected: string[];
  close(): void;
}

/**
 * Two blocks: block 1 with five capture transactions from four members (an odd count, so the last
 * leaf is promoted), one of them repeating an eventID; block 2 with a rolled-back document and a
 * certificate padded with signatures that do not count.
 */
export function proofLedger(): ProofLedger {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-proofs-'));
  const store = Store.open(dir, {
    network: NETWORK,
    genesisHash: GENESIS.hash,
    genesisTimestamp: GENESIS.timestamp,
  });
  const first = [
    captureTx(0, ['urn:uuid:a1', 'urn:uuid:a2']),
    captureTx(1, ['urn:uuid:b1']),
    captureTx(2, ['urn:uuid:c1', 'urn:uuid:c2', 'urn:uuid:c3']),
    captureTx(3, ['urn:uuid:d1', 'urn:uuid:d1']),
    captureTx(0, ['urn:uuid:e1']),
  ];
  const second = [captureTx(1, ['urn:uuid:f1', 'urn:uuid:a1'], 'rollback'), captureTx(2, ['urn:uuid:g1'])];
  let parentHash = GENESIS.hash;
  [first, second].forEach((txs, i) => {
    const height = i + 1;
    const header = {
      network: NETWORK,
      height,
      view: 0,
      parentHash,
      txRoot: txRootOf(txs),
      txCount: txs.length,
      proposer: `org-${height % 4}`,
      timestamp: T0 + height * 1000 + 123,
      ...EXAMPLE_ROOTS,
    };
    const block: Block = { header, txs };
    const hash = headerHash(header);
    const certificate = certificateFor(height, hash);
    // Block 2 is stored as catch-up may store it: a peer padded the certificate with signatures that
    // do not count (verifyCertificate ignores them once a quorum verifies).
    if (height === 2) certificate.signatures.push(PAD_DUPLICATE, PAD_ROGUE);
    store.commitBlock({ hash, block, certificate }, executeBlock(block, storeContext(store)));
    parentHash = hash;
  });
  return {
    store,
    proofs: new ProofQueries(store, GENESIS_KEYS, verify),
    accepted: ['a1', 'a2', 'b1', 'c1', 'c2', 'c3', 'd1', 'e1', 'g1'].map((s) => `urn:uuid:${s}`),
    rejected: ['urn:uuid:f1'],
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
