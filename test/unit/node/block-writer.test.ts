import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSigner, generateSeed } from '../../../services/crypto/index.js';
import { BlockWriter } from '../../../services/node/block-writer.js';
import { Store } from '../../../services/storage/index.js';
import { oneMemberGenesis } from '../../support/ledger.js';

// The block writer thread says when it can apply blocks (block-writer.ts `ready`): the node starts
// its consensus only then, so the first block does not also pay for the thread's start.

const signer = createSigner(generateSeed());
const genesis = oneMemberGenesis(signer);
const identity = { network: 'n', genesisHash: 'aa', genesisTimestamp: 0 };
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the block writer thread', () => {
  it('is ready once loaded, with its own heap reported (waybill_heap_bytes), and closes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'waybill-writer-'));
    dirs.push(dataDir);
    const store = Store.open(dataDir, identity);
    const writer = new BlockWriter({ dataDir, identity, genesis });
    expect(writer.heap()).toBeUndefined();
    await expect(writer.ready).resolves.toBeUndefined();
    // The thread's isolate, loaded with the node's modules: megabytes of objects, young pages apart.
    const heap = writer.heap();
    expect(heap?.used).toBeGreaterThan(1e6);
    expect(heap?.physical).toBeGreaterThan(heap?.young ?? Number.POSITIVE_INFINITY);
    await writer.close();
    store.close();
  });

  it('fails its readiness when it cannot attach to the ledger, so the node does not start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'waybill-writer-'));
    dirs.push(dataDir);
    const store = Store.open(dataDir, identity);
    // Another network's ledger: the thread's Store.attach refuses it.
    const writer = new BlockWriter({ dataDir, identity: { ...identity, genesisHash: 'bb' }, genesis });
    await expect(writer.ready).rejects.toThrow(/genesis|network/i);
    await writer.close();
    store.close();
  });
});
