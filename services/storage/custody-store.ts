import type Database from 'better-sqlite3';
import { canonicalText } from '../common/index.js';
import {
  type Alert,
  type BalanceKey,
  balanceId,
  bucketHash,
  bucketOf,
  type CustodyChanges,
  type EnumerableCustodyState,
  leafOf,
  type ObjectState,
  parseBalanceId,
  presentLeaf,
  type StateLeaf,
  StateTree,
  stateKey,
} from '../contracts/index.js';

function prepare(db: Database.Database) {
  return {
    object: db.prepare<[string], { body: string }>('SELECT body FROM custody_objects WHERE id = ?'),
    objects: db.prepare<[], { body: string }>('SELECT body FROM custody_objects ORDER BY id'),
    // Upserts update a row in place: a changed object, balance or leaf keeps its key, so no index
    // entry moves (INSERT OR REPLACE would delete and reinsert the row and all its index entries).
    putObject: db.prepare(
      'INSERT INTO custody_objects (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
    ),
    balance: db.prepare<[string], { quantity: number }>('SELECT quantity FROM custody_balances WHERE id = ?'),
    balances: db.prepare<[], { id: string; quantity: number }>(
      'SELECT id, quantity FROM custody_balances ORDER BY id',
    ),
    putBalance: db.prepare(
      'INSERT INTO custody_balances (id, quantity) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET quantity = excluded.quantity',
    ),
    deleteBalance: db.prepare('DELETE FROM custody_balances WHERE id = ?'),
    alertCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM custody_alerts'),
    alerts: db.prepare<[], { body: string }>('SELECT body FROM custody_alerts ORDER BY seq'),
    alertPage: db.prepare<[number, number], { body: string }>(
      'SELECT body FROM custody_alerts WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    putAlert: db.prepare('INSERT INTO custody_alerts (seq, body) VALUES (?, ?)'),
    // A key's bucket and key hash follow from the key: only the leaf hash changes.
    putLeaf: db.prepare(
      `INSERT INTO state_leaves (key, bucket, key_hash, leaf_hash) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET leaf_hash = excluded.leaf_hash`,
    ),
    deleteLeaf: db.prepare('DELETE FROM state_leaves WHERE key = ?'),
    // The leaves of many buckets (a JSON array, ascending) in one statement; rows as arrays, each
    // entry as hex text: a BLOB column would come back as a Buffer with its own off-heap memory,
    // two per entry, while small hex-decoded Buffers share Node's pool.
    bucketsLeaves: db
      .prepare<[string], [number, string]>(
        `SELECT bucket, hex(key_hash) || hex(leaf_hash) FROM state_leaves
         WHERE bucket IN (SELECT value FROM json_each(?)) ORDER BY bucket, key_hash`,
      )
      .raw(),
    bucketKeys: db.prepare<[number], { key: string; key_hash: Buffer; leaf_hash: Buffer }>(
      'SELECT key, key_hash, leaf_hash FROM state_leaves WHERE bucket = ? ORDER BY key_hash',
    ),
    buckets: db.prepare<[], { bucket: number; hash: Buffer }>('SELECT bucket, hash FROM state_buckets'),
    putBucket: db.prepare(
      'INSERT INTO state_buckets (bucket, hash) VALUES (?, ?) ON CONFLICT (bucket) DO UPDATE SET hash = excluded.hash',
    ),
    deleteBucket: db.prepare('DELETE FROM state_buckets WHERE bucket = ?'),
  };
}

/** The in-memory side of a block's custody write: new bucket hashes and how many alerts it added. */
export interface CommittedCustody {
  buckets: [number, Uint8Array][];
  alerts: number;
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
  write(changes: CustodyChanges): { root: string; apply: () => void; committed: CommittedCustody } {
    const { q } = this;
    // Objects and alerts are stored as their JCS text, which their leaves hash too.
    const leaves: StateLeaf[] = [];
    for (const o of changes.objects) {
      const text = canonicalText(o);
      q.putObject.run(o.id, text);
      leaves.push(presentLeaf(stateKey({ kind: 'object', value: o }), text));
    }
    for (const [key, quantity] of changes.balances) {
      const id = balanceId(key);
      if (quantity === 0) q.deleteBalance.run(id);
      else q.putBalance.run(id, quantity);
      leaves.push(leafOf({ kind: 'balance', value: { ...key, quantity } }));
    }
    for (const a of changes.alerts) {
      const text = canonicalText(a);
      q.putAlert.run(a.seq, text);
      leaves.push(presentLeaf(stateKey({ kind: 'alert', value: a }), text));
    }
    const dirty = new Set<number>();
    for (const leaf of leaves) {
      const bucket = bucketOf(leaf.keyHash);
      dirty.add(bucket);
      if (leaf.leafHash) q.putLeaf.run(leaf.key, bucket, leaf.keyHash, leaf.leafHash);
      else q.deleteLeaf.run(leaf.key);
    }
    const buckets = this.rehash([...dirty].sort((a, b) => a - b));
    const staged = this.tree.stage(buckets);
    const alerts = changes.alerts.length;
    return {
      root: staged.root,
      apply: () => {
        staged.apply();
        this.alertTotal += alerts;
      },
      committed: { buckets: [...buckets], alerts },
    };
  }

  /**
   * What another connection of this process committed (the block writer thread): the in-memory
   * tree and the alert count move on as `write`'s `apply` moves them on the writing side.
   */
  adopt({ buckets, alerts }: CommittedCustody): void {
    this.tree.stage(new Map(buckets)).apply();
    this.alertTotal += alerts;
  }

  /** New hashes of `buckets` (ascending) from their leaves as written so far; stored or, when empty, removed. */
  private rehash(buckets: number[]): Map<number, Uint8Array> {
    const { q } = this;
    const rows = q.bucketsLeaves.all(JSON.stringify(buckets));
    const hashes = new Map<number, Uint8Array>();
    let at = 0;
    for (const bucket of buckets) {
      const entries: { keyHash: Uint8Array; leafHash: Uint8Array }[] = [];
      for (let row = rows[at]; row !== undefined && row[0] === bucket; row = rows[++at]) {
        const entry = Buffer.from(row[1], 'hex');
        entries.push({ keyHash: entry.subarray(0, 32), leafHash: entry.subarray(32) });
      }
      const hash = bucketHash(entries);
      if (entries.length === 0) q.deleteBucket.run(bucket);
      else q.putBucket.run(bucket, hash);
      hashes.set(bucket, hash);
    }
    return hashes;
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
