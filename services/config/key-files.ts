import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { ConfigError, ConfigErrorCode } from './errors.js';

/** Private keys live in files readable by their owner only. */
export function writePrivateFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600); // the umask may have narrowed it further; never wider
}

/** Reads a private key file, refusing one that group or others can read. */
export function readPrivateFile(path: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new ConfigError(ConfigErrorCode.Invalid, `key file ${path} does not exist`, { path });
  }
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      ConfigErrorCode.KeyFileInsecure,
      `key file ${path} has mode ${(mode & 0o777).toString(8)}; run: chmod 600 ${path}`,
      { path },
    );
  }
  return readFileSync(path, 'utf8').trim();
}

/** A new random key file (hex, mode 0600); `waybill network init` and a node's first start call it. */
export function writeSecretKeyFile(path: string): void {
  writePrivateFile(path, `${randomBytes(32).toString('hex')}\n`);
}
