import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fromHex, hashOf, toHex } from '../common/index.js';
import {
  ENC_KEY_FILE,
  ENC_KEY_FILE_PATTERN,
  type EncryptionPrivateJwk,
  parseEncryptionPrivateJwk,
  publicKeyOf,
  verify,
} from '../crypto/index.js';
import { type MemberFile, memberFileProblem, recordOf } from '../ledger/index.js';
import { type IdentityProvider, parseAuthConfig } from './auth-config.js';
import { parseCidrs } from './cidr.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_MEMPOOL, DEFAULT_RATE_LIMIT } from './defaults.js';
import { ConfigError, ConfigErrorCode } from './errors.js';
import type { Genesis, GenesisMember } from './genesis.js';
import { readPrivateFile } from './key-files.js';
import { checkGrants } from './network-file.js';
import type { NodeConfigFile } from './node-config.js';

/** Everything a node needs to start, resolved and checked. */
export interface NodeConfig {
  org: string;
  configPath: string;
  genesis: Genesis;
  genesisHash: string;
  self: GenesisMember;
  seed: Uint8Array;
  jwtKeyPath: string;
  /**
   * The org's private X25519 keys (enc.key and the later keys kept beside it, enc-<n>.key), the
   * Decrypter picking one by a JWE recipient's kid; none when genesis lists none (a genesis older
   * than sealing).
   */
  encryptionKeys: EncryptionPrivateJwk[];
  dataDir: string;
  api: { host: string; port: number; bodyLimit: number; rateLimit: { perSecond: number; burst: number } };
  p2p: { listen: string[] };
  mempool: LoadedMempool;
  /** Free bytes kept on the data directory's disk (node/disk-guard.ts); undefined: the default. */
  diskReserveBytes?: number;
  logLevel: string;
  auth: { jwks: IdentityProvider[] };
  subscriptions: { allowedDestinations: string[]; secretKeyPath: string };
  /** node.json gs1.companyPrefixes: GS1 Company Prefixes of trading partners (Always_EPC_URN). */
  gs1: { companyPrefixes: string[] };
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(ConfigErrorCode.Invalid, `${what} ${path} cannot be read`, { path });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(ConfigErrorCode.Invalid, `${what} ${path} is not JSON: ${(err as Error).message}`);
  }
}

/** The key sealing webhook signatureTokens, beside node.key unless node.json names another. */
export const SUBSCRIPTION_KEY_FILE = 'subscriptions.key';

/** node.json subscriptions.allowedDestinations: a list of CIDR ranges, checked at start. */
function allowedDestinations(value: unknown, path: string): string[] {
  if (value === undefined) return [];
  const fail = (why: string) =>
    new ConfigError(ConfigErrorCode.Invalid, `${path}: subscriptions.allowedDestinations ${why}`, { path });
  if (!Array.isArray(value)) throw fail('must be a list of CIDR ranges, e.g. ["10.20.0.0/16"]');
  try {
    parseCidrs(value as string[]);
  } catch (err) {
    throw fail(`holds ${(err as Error).message}; write ranges like "10.20.0.0/16" or "fd12::/64"`);
  }
  return value as string[];
}

/** node.json gs1.companyPrefixes: GS1 Company Prefixes, 6 to 12 digits each. */
function companyPrefixes(value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string' && /^\d{6,12}$/.test(p)))
    throw new ConfigError(
      ConfigErrorCode.Invalid,
      `${path}: gs1.companyPrefixes must be a list of GS1 Company Prefixes of 6 to 12 digits, e.g. ["0614141"]`,
      { path },
    );
  return value as string[];
}

export function readGenesis(path: string): Genesis {
  const genesis = readJson(path, 'genesis') as Genesis;
  if (typeof genesis?.network !== 'string' || !Array.isArray(genesis.members) || !genesis.consensus) {
    throw new ConfigError(ConfigErrorCode.Invalid, `genesis ${path} lacks network, members or consensus`);
  }
  if (!Array.isArray(genesis.rules)) {
    throw new ConfigError(
      ConfigErrorCode.Invalid,
      `genesis ${path} has no custody rules (it predates rule sets in genesis); create the network again with waybill network init`,
    );
  }
  if (genesis.grants !== undefined) {
    if (!Array.isArray(genesis.grants))
      throw new ConfigError(ConfigErrorCode.Invalid, `genesis ${path}: grants is not a list`);
    checkGrants(
      genesis.grants,
      genesis.members.map((m) => m.id),
      `genesis ${path}`,
    );
  }
  return genesis;
}

/** This org's own member file: its description as the consortium admitted it. */
function readMemberFile(path: string, org: string): GenesisMember {
  const file = readJson(path, 'member file') as MemberFile;
  const problem = memberFileProblem(file, verify);
  if (problem)
    throw new ConfigError(ConfigErrorCode.Invalid, `member file ${path} does not verify: ${problem}`);
  if (file.id !== org)
    throw new ConfigError(ConfigErrorCode.Invalid, `member file ${path} is for ${file.id}, not ${org}`);
  return recordOf(file);
}

/** The hash every node's chain starts from: block 1's parentHash. */
export function genesisHashOf(genesis: Genesis): string {
  return hashOf(genesis);
}

export function loadNodeConfig(configPath: string): NodeConfig {
  const path = resolve(configPath);
  const file = readJson(path, 'node config') as NodeConfigFile;
  const base = dirname(path);
  const genesis = readGenesis(resolve(base, file.genesis));
  const self = file.memberFile
    ? readMemberFile(resolve(base, file.memberFile), file.org)
    : genesis.members.find((m) => m.id === file.org);
  if (!self) {
    throw new ConfigError(
      ConfigErrorCode.Invalid,
      `org ${file.org} is not a member in genesis; a member admitted later names its member.json in memberFile`,
    );
  }
  const seed = fromHex(readPrivateFile(resolve(base, file.nodeKeyFile)));
  if (toHex(publicKeyOf(seed)) !== self.publicKey) {
    throw new ConfigError(
      ConfigErrorCode.Invalid,
      `node key of ${file.org} does not match its ${file.memberFile ? 'member file' : 'genesis'} public key`,
    );
  }
  const nodeKeyPath = resolve(base, file.nodeKeyFile);
  return {
    org: file.org,
    configPath: path,
    genesis,
    genesisHash: genesisHashOf(genesis),
    self,
    seed,
    jwtKeyPath: resolve(base, file.jwtKeyFile),
    encryptionKeys: encryptionKeysOf(
      self,
      resolve(base, file.encKeyFile ?? join(dirname(nodeKeyPath), ENC_KEY_FILE)),
      file.memberFile ? 'its member file' : 'genesis',
    ),
    dataDir: resolve(base, file.dataDir),
    api: {
      host: file.api.host,
      port: file.api.port,
      bodyLimit: file.api.bodyLimit ?? DEFAULT_BODY_LIMIT,
      rateLimit: rateLimitOf(file.api.rateLimit, path),
    },
    p2p: { listen: file.p2p.listen },
    mempool: mempoolOf(file.mempool, path),
    ...(reserveOf(file.diskReserveBytes, path) === undefined
      ? {}
      : { diskReserveBytes: file.diskReserveBytes }),
    logLevel: file.logLevel ?? 'info',
    subscriptions: {
      allowedDestinations: allowedDestinations(file.subscriptions?.allowedDestinations, path),
      secretKeyPath: resolve(
        base,
        file.subscriptions?.secretKeyFile ?? join(dirname(nodeKeyPath), SUBSCRIPTION_KEY_FILE),
      ),
    },
    gs1: { companyPrefixes: companyPrefixes(file.gs1?.companyPrefixes, path) },
    auth: {
      jwks: parseAuthConfig(file.auth, {
        path,
        network: genesis.network,
        org: file.org,
        members: [...new Set([...genesis.members.map((m) => m.id), self.id])],
      }),
    },
  };
}

/**
 * The org's private encryption keys: enc.key and every later key kept beside it (`enc-<n>.key`,
 * written by `waybill member rotate`), so ciphertexts sealed to a key since rotated out still open
 * (a recipient catching up after losing its disk, or serving old sealed fields after a restart).
 * Each file must be owner-only, an X25519 JWK of this org (`<org>#...`), its kid in no other file;
 * a key whose kid genesis or the member file lists must be that key, and at least one must be
 * listed. A key not listed yet is one rotated in whose update has not come into force. Nothing of
 * a file's content reaches a message.
 */
function encryptionKeysOf(self: GenesisMember, path: string, source: string): EncryptionPrivateJwk[] {
  const listed = self.encryptionKeys ?? [];
  if (listed.length === 0) return [];
  const dir = dirname(path);
  const later = readdirSync(dir)
    .filter((f) => ENC_KEY_FILE_PATTERN.test(f))
    .map((f) => join(dir, f))
    .filter((f) => f !== path)
    .sort();
  const keys: EncryptionPrivateJwk[] = [];
  for (const file of [path, ...later]) {
    const parsed = parseEncryptionPrivateJwk(readPrivateFile(file));
    if (typeof parsed === 'string') {
      throw new ConfigError(ConfigErrorCode.Invalid, `encryption key file ${file} ${parsed}`, { path: file });
    }
    const match = listed.find((k) => k.kid === parsed.kid);
    if ((match && match.x !== parsed.x) || !parsed.kid.startsWith(`${self.id}#`)) {
      throw new ConfigError(
        ConfigErrorCode.Invalid,
        `encryption key ${file} (kid ${parsed.kid}) is not one ${source} lists for ${self.id}`,
        { path: file },
      );
    }
    if (keys.some((k) => k.kid === parsed.kid)) {
      throw new ConfigError(
        ConfigErrorCode.Invalid,
        `encryption key ${file} repeats kid ${parsed.kid} of another key file`,
        { path: file },
      );
    }
    keys.push(parsed);
  }
  if (!keys.some((k) => listed.some((l) => l.kid === k.kid))) {
    throw new ConfigError(
      ConfigErrorCode.Invalid,
      `encryption key ${path} (kid ${keys[0]?.kid}) is not one ${source} lists for ${self.id}`,
      { path },
    );
  }
  return keys;
}

function reserveOf(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(
      ConfigErrorCode.Invalid,
      `${path}: diskReserveBytes must be a whole number of bytes`,
    );
  }
  return value;
}

/**
 * node.json mempool: positive numbers, whole but for backlogSeconds (defaults for what is absent);
 * a NaN bound would refuse every capture.
 */
export function mempoolOf(value: unknown, path: string): LoadedMempool {
  if (value === undefined) return { ...DEFAULT_MEMPOOL };
  const fail = (why: string) =>
    new ConfigError(
      ConfigErrorCode.Invalid,
      `${path}: mempool ${why}; write e.g. {"maxCost": 60000, "backlogSeconds": 3, "minCost": 5000}`,
      { path },
    );
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('must be an object');
  const out: LoadedMempool = { ...DEFAULT_MEMPOOL };
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(key in out)) throw fail(`has an unknown field: ${key}`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      throw fail(`${key} must be a positive number`);
    // Counts of transactions, bytes and cost units are whole: 0.5 of a transaction admits none.
    if (key !== 'backlogSeconds' && !Number.isSafeInteger(v)) throw fail(`${key} must be a whole number`);
    out[key as keyof LoadedMempool] = v;
  }
  return out;
}

type LoadedMempool = {
  maxTxs: number;
  maxBytes: number;
  maxCost: number;
  backlogSeconds: number;
  minCost: number;
};

/** node.json api.rateLimit: positive numbers, a burst of at least one request; defaults for what is absent. */
export function rateLimitOf(value: unknown, path: string): { perSecond: number; burst: number } {
  if (value === undefined) return { ...DEFAULT_RATE_LIMIT };
  const fail = (why: string) =>
    new ConfigError(
      ConfigErrorCode.Invalid,
      `${path}: api.rateLimit ${why}; write e.g. {"perSecond": 2000, "burst": 4000}`,
      { path },
    );
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('must be an object');
  const {
    perSecond = DEFAULT_RATE_LIMIT.perSecond,
    burst = DEFAULT_RATE_LIMIT.burst,
    ...rest
  } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw fail(`has unknown fields: ${unknown.join(', ')}`);
  if (typeof perSecond !== 'number' || !Number.isFinite(perSecond) || perSecond <= 0)
    throw fail('perSecond must be a positive number of requests a second');
  if (typeof burst !== 'number' || !Number.isSafeInteger(burst) || burst < 1)
    throw fail('burst must be a whole number of requests, at least 1');
  return { perSecond, burst };
}
