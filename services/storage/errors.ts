import { ErrorCode, WaybillError } from '../common/index.js';

/** The storage domain's stable codes (a subset of the API's ErrorCode). */
export const StorageErrorCode = {
  /** The ledger file is not what this node wrote: another genesis, schema version or broken rows. */
  Corrupt: ErrorCode.StorageCorrupt,
  /** Another node process holds the data directory. */
  DataDirInUse: ErrorCode.DataDirInUse,
  /** The data directory's disk is full: writes are refused until space returns. */
  InsufficientStorage: ErrorCode.InsufficientStorage,
} as const;
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

export type StorageErrorMeta = {
  dataDir?: string;
  /** The transaction whose rows are inconsistent. */
  txId?: string;
  /** The schema version found in the data directory. */
  schemaVersion?: string;
};

export class StorageError extends WaybillError<StorageErrorCode, StorageErrorMeta> {}
