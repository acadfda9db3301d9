/**
 * Cost of event proofs (`npm run bench`). Prints, per block size, the time to build one proof from SQLite (the node, node:crypto), the
 * time to verify it offline (@noble, as in a browser) and its size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { verify } from '../../services/crypto/index.js';
import { executeBlock } from '../../services/execution/index.js';
import { type Block, headerHash, txRootOf } from '../../services/ledger/index.js';
import { ProofQueries } from '../../services/query/index.js';
import { Store } from '../../services/storage/index.js';
import { verifyProof } from '../../services/verify/index.js';
import { GENESIS, NETWORK, T0 } from '../consensus/helpers.js';
import { GENESIS_ROOTS, storeContext } from '../support/ledger.js';
import { captureTx, certificateFor, GENESIS_KEYS } from '../support/proofs.js';

function timed<T>(runs: number, f: () => T): { ms: number; value: T } {
  let value = f();
  const start = performance.now();
  for (let i = 0; i < runs; i++) value = f();
  return { ms: (performance.now() - start) / runs, value };
}

function measure(txCount: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-proof-bench-'));
  const store = Store.open(dir, {
    network: NETWORK,
    genesisHash: GENESIS.hash,
    genesisTimestamp: GENESIS.timestamp,
  });
  try {
    const txs = Array.from({ length: txCount }, (_, i) => captureTx(i % 4, [`urn:uuid:bench-${i}`]));
    const header = {
      network: NETWORK,
      height: 1,
      view: 0,
      parentHash: GENESIS.hash,
      txRoot: txRootOf(txs),
      txCount,
      proposer: 'org-1',
      timestamp: T0 + 1000,
      ...GENESIS_ROOTS,
    };
    const block: Block = { header, txs };
    const hash = headerHash(header);
    store.commitBlock(
      { hash, block, certificate: certificateFor(1, hash) },
      executeBlock(block, storeContext(store)),
    );
    const proofs = new ProofQueries(store, GENESIS_KEYS, verify);
    const id = `urn:uuid:bench-${txCount - 1}`;
    const built = timed(20, () => proofs.event(id));
    const checked = timed(20, () => verifyProof(built.value, GENESIS_KEYS));
    if (!checked.value.ok) throw new Error('the proof does not verify');
    const bytes = JSON.stringify(built.value).length;
    console.log(
      `${String(txCount).padStart(5)} txs/block: build ${built.ms.toFixed(2)} ms, verify ${checked.ms.toFixed(2)} ms, ` +
        `${bytes} bytes, path ${built.value?.inclusion.path.length} hashes`,
    );
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function proofBenchmarks(): void {
  for (const n of [1, 10, 100, 1000]) measure(n);
}
