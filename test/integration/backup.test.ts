import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, FAST_CONSENSUS, waybill } from '../support/cluster.js';
import { commissioningDocument } from '../support/documents.js';
import { waitFor } from '../support/wait.js';

// `waybill node backup` against a running node under captures, `waybill node restore` into a new
// data directory, and the restored node catching up to the same state.

/** state_root after `height`, read from a stopped node's ledger. */
function stateRoot(dataDir: string, height: number): string | undefined {
  const db = new Database(join(dataDir, 'ledger.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[number], { state_root: string }>('SELECT state_root FROM block_roots WHERE height = ?')
      .get(height)?.state_root;
  } finally {
    db.close();
  }
}

describe('backup and restore of a node', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await Cluster.create(4, FAST_CONSENSUS);
    // Started by hand for a longer wait than startAll's: four node processes start slowly on a busy machine.
    for (const n of cluster.nodes) cluster.start(n.org);
    await Promise.all(cluster.nodes.map((n) => cluster.waitReady(n.org, 120_000)));
  }, 240_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('backs up a node under captures; the restored node has every acknowledged capture and the same state root', async () => {
    const [writer, , , restored] = cluster.nodes;
    if (!writer || !restored) throw new Error('four nodes');
    const acknowledged: string[] = [];
    let capturing = true;
    const load = (async () => {
      while (capturing) {
        const res = await cluster.capture(writer.org, commissioningDocument(5));
        if (res.status === 202) acknowledged.push(((await res.json()) as { captureID: string }).captureID);
      }
    })();
    await waitFor('captures before the backup', () => acknowledged.length >= 5, 60_000);

    const file = join(cluster.dir, 'backup.sqlite');
    const out = await waybill('node', 'backup', '--config', restored.configPath, '--out', file);
    expect(out).toMatch(/at height \d+ written to/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const atBackup = acknowledged.length;
    await waitFor('captures after the backup', () => acknowledged.length >= atBackup + 5, 60_000);
    capturing = false;
    await load;

    await cluster.stop(restored.org);
    renameSync(restored.dataDir, `${restored.dataDir}.lost`);
    // A directory that holds anything is never overwritten.
    mkdirSync(restored.dataDir);
    writeFileSync(join(restored.dataDir, 'notes.txt'), 'keep me');
    await expect(waybill('node', 'restore', '--config', restored.configPath, '--from', file)).rejects.toThrow(
      /not empty/,
    );
    rmSync(restored.dataDir, { recursive: true });
    expect(await waybill('node', 'restore', '--config', restored.configPath, '--from', file)).toMatch(
      /restored .* at height \d+/,
    );
    cluster.start(restored.org);
    await cluster.waitReady(restored.org, 60_000);

    for (const id of acknowledged) {
      await waitFor(
        `acknowledged capture ${id} committed at the restored node`,
        async () =>
          // A capture job is its capturer's own (docs/privacy.md): read as the writer, at the restored node.
          (await cluster.json<{ running: boolean }>(restored.org, `/capture/${id}`, writer.token)).body
            .running === false,
        60_000,
      );
    }
    const target = await cluster.height(writer.org);
    await waitFor(
      `the restored node at height ${target}`,
      async () => (await cluster.height(restored.org)) >= target,
      60_000,
    );
    await cluster.stop(restored.org);
    await cluster.stop(writer.org);
    const root = stateRoot(writer.dataDir, target);
    expect(root).toMatch(/^[0-9a-f]{64}$/);
    expect(stateRoot(restored.dataDir, target)).toBe(root);
  }, 300_000);

  it('refuses a backup of another genesis', async () => {
    const other = await Cluster.create(1, FAST_CONSENSUS);
    try {
      const [node] = cluster.nodes;
      const [stranger] = other.nodes;
      if (!node || !stranger) throw new Error('nodes');
      const file = join(cluster.dir, 'backup.sqlite');
      await expect(
        waybill('node', 'restore', '--config', stranger.configPath, '--from', file),
      ).rejects.toThrow(/another network or genesis/);
    } finally {
      await other.destroy();
    }
  }, 60_000);
});
