/**
 * Consensus persistence on one core: the saveConsensusState calls each node makes per height, as
 * the core emits them (the proposer: its proposal, its prevote, its precommit with the lock; the
 * others: prevote, then precommit with the lock), into one store per node. Printed per node and
 * height, fsync included, for a small and a large block; the floor is a state row without blocks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PersistedState, Proposal, Vote } from '../../services/consensus/index.js';
import { createSigner, generateSeed } from '../../services/crypto/index.js';
import { type Block, headerHash, signTx, txRootOf } from '../../services/ledger/index.js';
import { Store } from '../../services/storage/index.js';
import { erpClients } from './erp.js';

const NODES = 4;
const SIGNATURE = 'ab'.repeat(64);

function blockOf(height: number, txCount: number, eventsPerTx: number, next: () => number): Block {
  const signer = createSigner(generateSeed());
  const [client] = erpClients(
    [{ org: 'a', index: 0, party: 'urn:epc:id:pgln:0614140.00001', site: 'urn:epc:id:sgln:0614140.00001.0' }],
    'persist',
  );
  if (!client) throw new Error('no client');
  const txs = Array.from({ length: txCount }, () =>
    signTx(
      {
        kind: 'capture',
        network: 'n',
        org: 'a',
        submitter: 'erp',
        errorBehaviour: 'proceed',
        document: JSON.parse(client.document(eventsPerTx, next())),
      },
      signer,
    ),
  );
  const header = { network: 'n', height, view: 0, parentHash: 'aa'.repeat(32), txRoot: txRootOf(txs) };
  return {
    header: {
      ...header,
      txCount,
      proposer: 'a',
      timestamp: height,
      parentStateRoot: '',
      parentResultsRoot: '',
      rulesHash: '',
    },
    txs,
  };
}

/** The states one node persists at `height`, in order. */
function persistsAt(height: number, block: Block, proposer: boolean): PersistedState[] {
  const hash = headerHash(block.header);
  const vote = (type: Vote['type']): Vote => ({
    type,
    height,
    round: 0,
    blockHash: hash,
    voter: 'a',
    signature: SIGNATURE,
  });
  const proposal: Proposal = {
    type: 'proposal',
    height,
    round: 0,
    block,
    validRound: -1,
    proposer: 'a',
    signature: SIGNATURE,
  };
  const own = proposer ? [proposal] : [];
  const open = { height, round: 0, lockedRound: -1, lockedBlock: null, validRound: -1, validBlock: null };
  const locked = { ...open, lockedRound: 0, lockedBlock: block, validRound: 0, validBlock: block };
  return [
    ...(proposer ? [{ ...open, step: 'propose' as const, sent: own }] : []),
    { ...open, step: 'prevote', sent: [...own, vote('prevote')] },
    { ...locked, step: 'precommit', sent: [...own, vote('prevote'), vote('precommit')] },
  ];
}

/** Milliseconds of saveConsensusState per node and height over `heights` heights. */
function perNodeHeight(blocks: Block[], persist: (store: Store, s: PersistedState) => void): number {
  const dirs = Array.from({ length: NODES }, () => mkdtempSync(join(tmpdir(), 'waybill-persist-bench-')));
  const stores = dirs.map((dir) =>
    Store.open(dir, { network: 'n', genesisHash: 'aa'.repeat(32), genesisTimestamp: 0 }),
  );
  let ms = 0;
  try {
    blocks.forEach((block, i) => {
      stores.forEach((store, node) => {
        for (const state of persistsAt(i + 1, block, node === i % NODES)) {
          const started = performance.now();
          persist(store, state);
          ms += performance.now() - started;
        }
      });
    });
  } finally {
    for (const s of stores) s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return ms / (blocks.length * NODES);
}

export function persistBenchmarks(quick: boolean): void {
  const heights = quick ? 8 : 40;
  let seq = 0;
  const next = () => seq++ * 100;
  for (const [txs, events] of [
    [50, 3],
    [500, 4],
  ] as const) {
    const blocks = Array.from({ length: heights }, (_, i) => blockOf(i + 1, txs, events, next));
    const kib = Math.round(JSON.stringify(blocks[0]).length / 1024);
    const full = perNodeHeight(blocks, (store, s) => store.saveConsensusState(s));
    const floor = perNodeHeight(blocks, (store, s) =>
      store.saveConsensusState({ ...s, lockedBlock: null, validBlock: null, sent: [] }),
    );
    console.log(
      `consensus persist (saveConsensusState, fsync included), ${kib} KiB blocks: ${full.toFixed(2)} ms per node and height; ` +
        `${floor.toFixed(2)} ms without blocks`,
    );
  }
}
