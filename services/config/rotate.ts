import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { toHex } from '../common/index.js';
import {
  createSigner,
  ENC_KEY_FILE,
  encKeyFileOf,
  generateEncryptionKey,
  generateSeed,
  publicKeyOf,
  verify,
} from '../crypto/index.js';
import { type MemberRecord, memberFileProblem, signMemberFile } from '../ledger/index.js';
import { peerIdFromSeed } from '../p2p/index.js';
import { ConfigError, ConfigErrorCode } from './errors.js';
import { writePrivateFile } from './key-files.js';
import { loadNodeConfig } from './load.js';
import type { NodeConfigFile } from './node-config.js';

/** The new node key `member rotate` writes beside node.key; it replaces node.key once the update is in force. */
export const NEXT_NODE_KEY_FILE = 'node.next.key';
/** The updated member file `member rotate` writes beside node.json unless told otherwise. */
export const NEXT_MEMBER_FILE = 'member.next.json';

export interface RotateOptions {
  nodeKey: boolean;
  encKey: boolean;
  /** Where to write the updated member file (default member.next.json beside node.json). */
  out?: string | undefined;
}

export interface RotateResult {
  memberFile: string;
  /** The new node key's file, when rotated. */
  nodeKeyFile?: string;
  /** The new encryption key's file and kid, when rotated. */
  encKeyFile?: string;
  kid?: string;
}

/**
 * `waybill member rotate` (docs/operations.md): new keys beside the old ones (mode 0600, never over
 * an existing file) and the member file to propose as an `update`. Nothing in use changes: the
 * node keeps signing with node.key until the operator swaps it in once the update is in force, and
 * keeps every encryption key (a new one is loaded at the next start, harmless before the update).
 */
export async function rotateMemberKeys(configPath: string, opts: RotateOptions): Promise<RotateResult> {
  if (!opts.nodeKey && !opts.encKey) {
    throw new ConfigError(ConfigErrorCode.Invalid, 'say which keys to rotate: --node-key, --enc-key or both');
  }
  const config = loadNodeConfig(configPath);
  const path = resolve(configPath);
  const file = JSON.parse(readFileSync(path, 'utf8')) as NodeConfigFile;
  const base = dirname(path);
  const nodeKeyPath = resolve(base, file.nodeKeyFile);
  const encDir = dirname(resolve(base, file.encKeyFile ?? join(dirname(nodeKeyPath), ENC_KEY_FILE)));
  const out = resolve(opts.out ?? join(base, NEXT_MEMBER_FILE));
  const nextNodeKey = join(dirname(nodeKeyPath), NEXT_NODE_KEY_FILE);
  const refuseExisting = (target: string, why: string) => {
    if (existsSync(target))
      throw new ConfigError(ConfigErrorCode.Invalid, `${target} exists; ${why}`, { path: target });
  };
  if (opts.nodeKey)
    refuseExisting(nextNodeKey, 'a node key rotation is pending: finish it (docs/operations.md) first');
  refuseExisting(out, 'refusing to overwrite a member file (choose another --out)');

  const { org } = config;
  const record: MemberRecord = { ...config.self };
  const result: RotateResult = { memberFile: out };
  let seed = config.seed;
  let encryption: Awaited<ReturnType<typeof generateEncryptionKey>> | undefined;
  if (opts.encKey) {
    // The next number after every kid of this org known here: listed, or held in a key file.
    const kids = [
      ...(record.encryptionKeys ?? []).map((k) => k.kid),
      ...config.encryptionKeys.map((k) => k.kid),
    ];
    const numbers = kids.map((kid) => Number(kid.slice(org.length + 1))).filter(Number.isSafeInteger);
    const n = Math.max(0, ...numbers) + 1;
    encryption = await generateEncryptionKey(org, 0, n);
    const encFile = join(encDir, encKeyFileOf(n));
    refuseExisting(encFile, 'refusing to overwrite an encryption key');
    record.encryptionKeys = [encryption.publicKey];
    result.encKeyFile = encFile;
    result.kid = encryption.publicKey.kid;
  }
  if (opts.nodeKey) {
    seed = generateSeed();
    record.publicKey = toHex(publicKeyOf(seed));
    record.peerId = peerIdFromSeed(seed);
    result.nodeKeyFile = nextNodeKey;
  }
  // Signed by the node key it names (a member file is its node key's statement), as member init does.
  const member = signMemberFile(record, createSigner(seed));
  const problem = memberFileProblem(member, verify);
  if (problem)
    throw new ConfigError(ConfigErrorCode.Invalid, `the rotated member file does not verify: ${problem}`);

  if (encryption && result.encKeyFile)
    writePrivateFile(result.encKeyFile, `${JSON.stringify(encryption.privateJwk)}\n`);
  if (result.nodeKeyFile) writePrivateFile(result.nodeKeyFile, `${toHex(seed)}\n`);
  writeFileSync(out, `${JSON.stringify(member, null, 2)}\n`, { flag: 'wx' });
  return result;
}
