import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError, StorageErrorCode } from './errors.js';
import { LEDGER_FILE, SCHEMA, SCHEMA_VERSION } from './schema.js';
import { migrateToTerms } from './terms-migration.js';

export interface StoreIdentity {
  network: string;
  genesisHash: string;
  genesisTimestamp: number;
}

/** Beside the ledger: held locked by the process whose node owns the data directory. */
const LOCK_FILE = 'node.lock';

/**
 * Claims a data directory for this process: one process per data directory, since two nodes on
 * one ledger (and one key) could sign twice. The claim is an exclusive SQLite lock on a file of
 * its own rather than on the ledger, because the ledger is shared by this process's connections
 * (the block writer thread writes blocks while the main thread reads). The OS drops the lock
 * when the process dies. Close the returned handle to give the directory up.
 */
export function claimDataDir(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = new Database(join(dataDir, LOCK_FILE), { timeout: 1_000 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the lock, and EXCLUSIVE mode keeps it until the connection closes.
    lock.exec('CREATE TABLE IF NOT EXISTS held (one INTEGER); BEGIN IMMEDIATE; DELETE FROM held; COMMIT;');
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    throw new StorageError(
      StorageErrorCode.DataDirInUse,
      `data directory ${dataDir} is in use by another node process`,
    );
  }
  return lock;
}

/**
 * Opens (creating if need be) the ledger file of a data directory claimed by this process
 * (`claimDataDir`): WAL with synchronous=FULL, schema version checked and the schema applied.
 * Every connection of the process opens it this way; WAL gives each reader a consistent snapshot
 * while one connection writes.
 */
export function openLedgerDb(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, LEDGER_FILE), { timeout: 1_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    checkSchemaVersion(db, dataDir);
    db.exec(SCHEMA);
  } catch (err) {
    if (db.open) db.close();
    throw err;
  }
  return db;
}

/** Refuses a data directory that belongs to another network or genesis; stamps a new one. */
export function checkIdentity(db: Database.Database, identity: StoreIdentity): void {
  const meta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const putMeta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  const found = meta.get('genesisHash')?.value;
  if (found === undefined) {
    putMeta.run('genesisHash', identity.genesisHash);
    putMeta.run('network', identity.network);
    putMeta.run('schemaVersion', String(SCHEMA_VERSION));
    return;
  }
  if (found !== identity.genesisHash) {
    db.close();
    throw new StorageError(
      StorageErrorCode.Corrupt,
      `data directory belongs to another genesis (${found.slice(0, 12)}…); point dataDir elsewhere or remove it`,
    );
  }
}

/** A data directory written by another schema version is refused with what to do about it. */
function checkSchemaVersion(db: Database.Database, dataDir: string): void {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return;
  const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schemaVersion'").get();
  if (row === undefined || row.value === String(SCHEMA_VERSION)) return;
  // Version 4 differs only in the event index, which is carried over (terms-migration.ts).
  if (row.value === '4' && SCHEMA_VERSION === 5) {
    migrateToTerms(db);
    return;
  }
  db.close();
  if (Number(row.value) > SCHEMA_VERSION)
    throw new StorageError(
      StorageErrorCode.Corrupt,
      `data directory ${dataDir} holds a ledger of schema version ${row.value}, written by a newer Waybill; ` +
        `this node writes version ${SCHEMA_VERSION}: run the newer node, or restore a backup taken before the upgrade`,
    );
  throw new StorageError(
    StorageErrorCode.Corrupt,
    `data directory ${dataDir} holds a ledger of schema version ${row.value}; this node writes version ${SCHEMA_VERSION} ` +
      'and cannot carry the old chain over: start a new network (waybill network init) or point dataDir elsewhere',
  );
}
