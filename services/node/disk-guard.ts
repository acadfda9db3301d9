import { statfsSync } from 'node:fs';
import type { Logger } from '../common/index.js';
import { ErrorCode, WaybillError } from '../common/index.js';

/**
 * Free space the node keeps for consensus: client writes stop below it, so blocks ordered by the
 * other members (and this node's votes) still fit while captures are refused. Far above one
 * block (a few MB), far below any real disk.
 */
export const DEFAULT_DISK_RESERVE_BYTES = 64 * 1024 * 1024;
/** How long a "there is space" answer is trusted before the file system is asked again. */
const RECHECK_MS = 1_000;

/**
 * Refuses client writes while the data directory's disk is (nearly) full, with 507
 * INSUFFICIENT_STORAGE, and lets them through again once space returns. Reads never ask it.
 * One log line when writes stop and one when they resume, not one per refused request.
 */
export class DiskGuard {
  private full = false;
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly dir: string,
    private readonly reserveBytes: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly freeBytes: (dir: string) => number = freeBytesOf,
  ) {}

  /** Throws INSUFFICIENT_STORAGE when the disk is full. */
  checkWritable(): void {
    const now = this.now();
    // While full, every write asks again (a syscall), so recovery is seen at once.
    if (this.full || now - this.checkedAt >= RECHECK_MS) {
      this.checkedAt = now;
      const free = this.freeBytes(this.dir);
      this.update(free < this.reserveBytes, free);
    }
    if (this.full) throw this.error();
  }

  /** A write failed: SQLite's "disk full" marks the disk full; other errors pass through. */
  failed(err: unknown): never {
    if (isDiskFull(err)) {
      this.update(true, this.freeBytes(this.dir));
      throw this.error();
    }
    throw err;
  }

  private update(full: boolean, free: number): void {
    if (full === this.full) return;
    this.full = full;
    if (full) {
      this.logger.error(
        { dataDir: this.dir, freeBytes: free, reserveBytes: this.reserveBytes },
        'disk full: refusing writes (507 INSUFFICIENT_STORAGE) until space returns; reads go on',
      );
    } else {
      this.logger.warn({ dataDir: this.dir, freeBytes: free }, 'disk space returned: accepting writes again');
    }
  }

  private error(): WaybillError {
    return new WaybillError(
      ErrorCode.InsufficientStorage,
      "the node's disk is full; it accepts no writes until space returns (reads are served)",
      { retryAfterSeconds: 60 },
    );
  }
}

function freeBytesOf(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}
