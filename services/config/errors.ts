import { ErrorCode, WaybillError } from '../common/index.js';

/** The configuration domain's stable codes (a subset of the API's ErrorCode). */
export const ConfigErrorCode = {
  /** node.json, genesis, network file or environment: a value missing, malformed or out of range. */
  Invalid: ErrorCode.ConfigInvalid,
  /** A key file readable by others than its owner (it must be 0600). */
  KeyFileInsecure: ErrorCode.KeyFileInsecure,
} as const;
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

export type ConfigErrorMeta = {
  /** The file the value came from. */
  path?: string;
  /** The setting, as a JSON pointer or dotted path. */
  field?: string;
  /** Field-level problems, as a capture's VALIDATION_FAILED carries them. */
  errors?: { field: string; message: string }[];
};

export class ConfigError extends WaybillError<ConfigErrorCode, ConfigErrorMeta> {}
