import type Database from 'better-sqlite3';
import {
  type Alert,
  type BalanceKey,
  balanceId,
  bucketHash,
  bucketOf,
  type CustodyChanges,
  changedEntries,
  type EnumerableCustodyState,
  leafOf,
  type ObjectState,
  parseBalanceId,
  StateTree,
} from '../contracts/index.js';

function prepare(db: Database.Database) {
  return {
    object: db.prepare<[string], { body: string }>('SELECT body FROM custody_objects WHERE id = ?'),
    objects: db.prepare<[], { body: string }>('SELECT body FROM custody_objects ORDER BY id'),
    putObject: db.prepare('INSERT OR REPLACE INTO custody_objects (id, body) VALUES (?, ?)'),
    balance: db.prepare<[string], { quantity: number }>('SELECT quantity FROM custody_balances WHERE id = ?'),
    balances: db.prepare<[], { id: string; quantity: number }>(
      'SELECT id, quantity FROM custody_balances ORDER BY id',
    ),
    putBalance: db.prepare('INSERT OR REPLACE INTO custody_balances (id, quantity) VALUES (?, ?)'),
    deleteBalance: db.prepare('DELETE FROM custody_balances WHERE id = ?'),
    alertCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM custody_alerts'),
    alerts: db.prepare<[], { body: string }>('SELECT body FROM custody_alerts ORDER BY seq'),
    alertPage: db.prepare<[number, number], { body: string }>(
      'SELECT body FROM custody_alerts WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    putAlert: db.prepare('INSERT INTO custody_alerts (seq, body) VALUES (?, ?)'),
    putLeaf: db.prepare(
      'INSERT OR REPLACE INTO state_leaves (key, bucket, key_hash, leaf_hash) VALUES (?, ?, ?, ?)',
    ),
    deleteLeaf: db.prepare('DELETE FROM state_leaves WHERE key = ?'),
    bucket: db.prepare<[number], { key_hash: Buffer; leaf_hash: Buffer }>(
      'SELECT key_hash, leaf_hash FROM state_leaves WHERE bucket = ? ORDER BY key_hash',
    ),
    bucketKeys: db.prepare<[number], { key: string; key_hash: Buffer; leaf_hash: Buffer }>(
      'SELECT key, key_hash, leaf_hash FROM state_leaves WHERE bucket = ? ORDER BY key_hash',
    ),
    buckets: db.prepare<[], { bucket: number; hash: Buffer }>('SELECT bucket, hash FROM state_buckets'),
    putBucket: db.prepare('INSERT OR REPLACE INTO state_buckets (bucket, hash) VALUES (?, ?)'),
    deleteBucket: db.prepare('DELETE FROM state_buckets WHERE bucket = ?'),
  };
}

/** A bucket's entries as a state proof shows them. */
export interface BucketContent {
  bucket: number;
  entries: { key: string; keyHash: Uint8Array; leafHash: Uint8Array }[];
  /** Sibling hashes from the bucket up to the root. */
  path: Uint8Array[];
}

/**
 * The committed custody state in SQLite, and the state tree over it (contracts/state-tree.ts).
 * Reads see only what committed blocks wrote; a block's own writes live in its overlay until
 * `write` runs inside the block's storage transaction.
 */
export class CustodyStore implements EnumerableCustodyState {
  private readonly q: ReturnType<typeof prepare>;
  private readonly tree: StateTree;
  private alertTotal: number;

  constructor(db: Database.Database) {
    this.q = prepare(db);
    this.tree = new StateTree(this.q.buckets.all().map((r) => [r.bucket, new Uint8Array(r.hash)]));
    this.alertTotal = this.q.alertCount.get()?.n ?? 0;
  }

  /** The root of the committed state. */
  root(): string {
    return this.tree.root();
  }

  getObject(id: string): ObjectState | undefined {
    const row = this.q.object.get(id);
    return row && (JSON.parse(row.body) as ObjectState);
  }

  getBalance(key: BalanceKey): number {
    return this.q.balance.get(balanceId(key))?.quantity ?? 0;
  }

  alertCount(): number {
    return this.alertTotal;
  }

  // The committed state changes only through `write`: the engine writes to overlays.
  putObject(): void {
    throw new Error('the committed custody state is written only with its block');
  }
  setBalance(): void {
    throw new Error('the committed custody state is written only with its block');
  }
  addAlert(): void {
    throw new Error('the committed custody state is written only with its block');
  }

  *objects(): Iterable<ObjectState> {
    for (const row of this.q.objects.iterate()) yield JSON.parse(row.body) as ObjectState;
  }

  *balances(): Iterable<[BalanceKey, number]> {
    for (const row of this.q.balances.iterate()) yield [parseBalanceId(row.id), row.quantity];
  }

  *alerts(): Iterable<Alert> {
    for (const row of this.q.alerts.iterate()) yield JSON.parse(row.body) as Alert;
  }

  /** Alerts after `after` (a seq), oldest first. */
  alertsAfter(after: number, limit: number): Alert[] {
    return this.q.alertPage.all(after, limit).map((r) => JSON.parse(r.body) as Alert);
  }

  /**
   * Writes a block's changes and their leaves; must run inside the block's transaction. Returns
   * the new root and `apply`, to call once the transaction has committed.
   */
  write(changes: CustodyChanges): { root: string; apply: () => void } {
    const { q } = this;
    for (const o of changes.objects) q.putObject.run(o.id, JSON.stringify(o));
    for (const [key, quantity] of changes.balances) {
      if (quantity === 0) q.deleteBalance.run(balanceId(key));
      else q.putBalance.run(balanceId(key), quantity);
    }
    for (const a of changes.alerts) q.putAlert.run(a.seq, JSON.stringify(a));
    const dirty = new Set<number>();
    for (const entry of changedEntries(changes)) {
      const leaf = leafOf(entry);
      const bucket = bucketOf(leaf.keyHash);
      dirty.add(bucket);
      if (leaf.leafHash) q.putLeaf.run(leaf.key, bucket, leaf.keyHash, leaf.leafHash);
      else q.deleteLeaf.run(leaf.key);
    }
    const hashes = new Map<number, Uint8Array>();
    for (const bucket of [...dirty].sort((a, b) => a - b)) {
      const rows = q.bucket.all(bucket);
      const hash = bucketHash(rows.map((r) => ({ keyHash: r.key_hash, leafHash: r.leaf_hash })));
      if (rows.length === 0) q.deleteBucket.run(bucket);
      else q.putBucket.run(bucket, hash);
      hashes.set(bucket, hash);
    }
    const staged = this.tree.stage(hashes);
    const alerts = changes.alerts.length;
    return {
      root: staged.root,
      apply: () => {
        staged.apply();
        this.alertTotal += alerts;
      },
    };
  }

  /** The committed bucket holding `key`, with its path to the current root: a state proof's body. */
  bucketOfKey(keyHash: Uint8Array): BucketContent {
    const bucket = bucketOf(keyHash);
    const entries = this.q.bucketKeys.all(bucket).map((r) => ({
      key: r.key,
      keyHash: new Uint8Array(r.key_hash),
      leafHash: new Uint8Array(r.leaf_hash),
    }));
    return { bucket, entries, path: this.tree.path(bucket) };
  }
}
