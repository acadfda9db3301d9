/**
 * The parts of a node's work on one core, in this process: custody engine, block apply, store
 * inserts, Ed25519 verifications and capture document validation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createSigner, generateSeed, verify } from '../../services/crypto/index.js';
import { validateCaptureDocument } from '../../services/epcis/index.js';
import { Store } from '../../services/storage/index.js';
import { contractBenchmarks } from './contracts.js';
import { erpClients } from './erp.js';
import { ledgerBenchmarks } from './ledger.js';
import { persistBenchmarks } from './persist.js';
import { build } from './query.js';

export interface MicroResults {
  /** Custody engine, in memory: a random mix of valid and invalid events; a valid lifecycle. */
  engineMixed: number;
  engineLifecycle: number;
  /** Block apply (engine + SQLite custody state + state tree + index + block transaction), by event kind. */
  apply: Record<string, number>;
  /** Store.commitBlock events/s, index included, blocks of 1,000 events. */
  storeInserts: number;
  verifyNode: number;
  verifyNoble: number;
  /** validateCaptureDocument on 100-event ERP documents: documents/s and events/s. */
  validationDocs: number;
  validationEvents: number;
}

/** Calls per second of `f` over about `ms` milliseconds. */
function rate(ms: number, f: () => unknown): number {
  for (let i = 0; i < 50; i++) f(); // warm-up
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 20; i++) f();
    calls += 20;
  }
  return Math.round((calls / (performance.now() - start)) * 1000);
}

function signatures(ms: number): { node: number; noble: number } {
  const signer = createSigner(generateSeed());
  const message = new TextEncoder().encode('x'.repeat(256)); // about a transaction's signing bytes
  const signature = signer.sign(message);
  if (!verify(signer.publicKey, message, signature)) throw new Error('the signature does not verify');
  return {
    node: rate(ms, () => verify(signer.publicKey, message, signature)),
    noble: rate(ms, () => ed25519.verify(signature, message, signer.publicKey)),
  };
}

function validations(ms: number): { docs: number; events: number } {
  const [client] = erpClients(
    [{ org: 'a', index: 0, party: 'urn:epc:id:pgln:0614140.00001', site: 'urn:epc:id:sgln:0614140.00001.0' }],
    'v',
  );
  if (!client) throw new Error('no client');
  // Documents of 100 events; parsed once, as the HTTP layer hands them over.
  const docs = Array.from({ length: 20 }, (_, i) => JSON.parse(client.document(100, i * 10_000)) as unknown);
  let i = 0;
  const docsPerSecond = rate(ms, () => {
    const r = validateCaptureDocument(docs[i++ % docs.length]);
    if (!r.ok) throw new Error('an ERP document does not validate');
  });
  return { docs: docsPerSecond, events: docsPerSecond * 100 };
}

function storeInserts(events: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-insert-bench-'));
  const store = Store.open(dir, { network: 'n', genesisHash: 'aa'.repeat(32), genesisTimestamp: 0 });
  try {
    return build(store, events, false);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function microBenchmarks(quick: boolean): MicroResults {
  const scale = quick ? 0.1 : 1;
  const engine = contractBenchmarks(scale);
  const apply = ledgerBenchmarks(quick ? 3_000 : 30_000);
  const storeRate = storeInserts(quick ? 20_000 : 200_000);
  console.log(`store inserts (Store.commitBlock, index included): ${storeRate} events/s`);
  persistBenchmarks(quick);
  const sig = signatures(quick ? 300 : 2_000);
  console.log(`Ed25519 verifications: node:crypto ${sig.node}/s, @noble/curves ${sig.noble}/s`);
  const val = validations(quick ? 300 : 2_000);
  console.log(`document validations (100 events): ${val.docs} documents/s = ${val.events} events/s`);
  return {
    engineMixed: engine.mixed,
    engineLifecycle: engine.lifecycle,
    apply,
    storeInserts: storeRate,
    verifyNode: sig.node,
    verifyNoble: sig.noble,
    validationDocs: val.docs,
    validationEvents: val.events,
  };
}
