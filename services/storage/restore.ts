import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCode, WaybillError } from '../common/index.js';
import { StorageError, StorageErrorCode } from './errors.js';
import type { StoreIdentity } from './ledger-db.js';
import { LEDGER_FILE } from './schema.js';

/**
 * Copies a live ledger to `dest` with SQLite's online backup API (Store.backup): better-sqlite3
 * copies a batch of pages per event-loop turn, and pages `db` writes meanwhile are carried into the
 * copy, so it is one committed state. `complete` then writes into the copy what the ledger file
 * does not hold (the acknowledged entries, acks.ts). Returns the height of the copy's tip.
 */
export async function copyLedger(
  db: Database.Database,
  dest: string,
  complete: (copy: Database.Database) => void,
): Promise<number> {
  await db.backup(dest);
  const copy = new Database(dest, { fileMustExist: true });
  try {
    // One self-contained file (the copy inherits WAL mode, which would need -wal/-shm beside it).
    copy.pragma('journal_mode = DELETE');
    complete(copy);
    return copy.prepare<[], { height: number }>('SELECT COALESCE(MAX(height), 0) AS height FROM blocks').get()
      ?.height as number;
  } finally {
    copy.close();
  }
}

/**
 * Restores a backup (`waybill node backup`) as the ledger of an empty data directory: refuses a
 * directory that holds anything (a ledger would be overwritten), a file that is no intact
 * Waybill ledger, and a ledger of another network or genesis. Returns the backup's tip height.
 * The node started on the directory then catches up from its peers like any node that was down;
 * opening it moves the backup's acknowledged entries into their own file (acks.ts `adoptFrom`).
 */
export async function restoreLedger(from: string, dataDir: string, identity: StoreIdentity): Promise<number> {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new StorageError(
      StorageErrorCode.DataDirInUse,
      `data directory ${dataDir} is not empty; restore only into a new or empty directory`,
    );
  }
  if (!existsSync(from)) throw new WaybillError(ErrorCode.BadRequest, `no backup file ${from}`);
  let source: Database.Database;
  try {
    source = new Database(from, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new StorageError(
      StorageErrorCode.Corrupt,
      `${from} is not a SQLite file: ${(err as Error).message}`,
    );
  }
  try {
    const height = checkBackup(source, from, identity);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Copied through SQLite (not the file system) into a temporary name first: an interrupted
    // restore leaves no half ledger under the name a node opens.
    const part = join(dataDir, `${LEDGER_FILE}.restoring`);
    await source.backup(part);
    chmodSync(part, 0o600);
    renameSync(part, join(dataDir, LEDGER_FILE));
    return height;
  } catch (err) {
    rmSync(join(dataDir, `${LEDGER_FILE}.restoring`), { force: true });
    throw err;
  } finally {
    source.close();
  }
}

function checkBackup(db: Database.Database, from: string, identity: StoreIdentity): number {
  let meta: Map<string, string>;
  let check: string | undefined;
  try {
    check = db.pragma('quick_check', { simple: true }) as string;
    const rows = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM meta').all();
    meta = new Map(rows.map((r) => [r.key, r.value]));
  } catch (err) {
    throw new StorageError(
      StorageErrorCode.Corrupt,
      `${from} is not a Waybill ledger: ${(err as Error).message}`,
    );
  }
  if (check !== 'ok')
    throw new StorageError(StorageErrorCode.Corrupt, `${from} fails SQLite's check: ${check}`);
  const genesisHash = meta.get('genesisHash');
  if (genesisHash !== identity.genesisHash || meta.get('network') !== identity.network) {
    throw new StorageError(
      StorageErrorCode.Corrupt,
      `${from} belongs to another network or genesis (${String(genesisHash).slice(0, 12)}…), not to this node's`,
    );
  }
  const row = db
    .prepare<[], { height: number }>('SELECT COALESCE(MAX(height), 0) AS height FROM blocks')
    .get();
  return row?.height ?? 0;
}
