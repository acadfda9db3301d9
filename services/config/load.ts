import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ErrorCode, fromHex, hashOf, toHex, WaybillError } from '../common/index.js';
import { publicKeyOf } from '../crypto/index.js';
import { type IdentityProvider, parseAuthConfig } from './auth-config.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_MEMPOOL } from './defaults.js';
import type { Genesis, GenesisMember } from './genesis.js';
import { readPrivateFile } from './key-files.js';
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
  dataDir: string;
  api: { host: string; port: number; bodyLimit: number };
  p2p: { listen: string[] };
  mempool: { maxTxs: number; maxBytes: number };
  logLevel: string;
  auth: { jwks: IdentityProvider[] };
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new WaybillError(ErrorCode.ConfigInvalid, `${what} ${path} cannot be read`, { path });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WaybillError(ErrorCode.ConfigInvalid, `${what} ${path} is not JSON: ${(err as Error).message}`);
  }
}

export function readGenesis(path: string): Genesis {
  const genesis = readJson(path, 'genesis') as Genesis;
  if (typeof genesis?.network !== 'string' || !Array.isArray(genesis.members) || !genesis.consensus) {
    throw new WaybillError(ErrorCode.ConfigInvalid, `genesis ${path} lacks network, members or consensus`);
  }
  if (!Array.isArray(genesis.rules)) {
    throw new WaybillError(
      ErrorCode.ConfigInvalid,
      `genesis ${path} has no custody rules (it predates rule sets in genesis); create the network again with waybill network init`,
    );
  }
  return genesis;
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
  const self = genesis.members.find((m) => m.id === file.org);
  if (!self) throw new WaybillError(ErrorCode.ConfigInvalid, `org ${file.org} is not a member in genesis`);
  const seed = fromHex(readPrivateFile(resolve(base, file.nodeKeyFile)));
  if (toHex(publicKeyOf(seed)) !== self.publicKey) {
    throw new WaybillError(
      ErrorCode.ConfigInvalid,
      `node key of ${file.org} does not match its genesis public key`,
    );
  }
  return {
    org: file.org,
    configPath: path,
    genesis,
    genesisHash: genesisHashOf(genesis),
    self,
    seed,
    jwtKeyPath: resolve(base, file.jwtKeyFile),
    dataDir: resolve(base, file.dataDir),
    api: { host: file.api.host, port: file.api.port, bodyLimit: file.api.bodyLimit ?? DEFAULT_BODY_LIMIT },
    p2p: { listen: file.p2p.listen },
    mempool: { ...DEFAULT_MEMPOOL, ...file.mempool },
    logLevel: file.logLevel ?? 'info',
    auth: {
      jwks: parseAuthConfig(file.auth, {
        path,
        network: genesis.network,
        org: file.org,
        members: genesis.members.map((m) => m.id),
      }),
    },
  };
}
