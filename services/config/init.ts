import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { toHex } from '../common/index.js';
import { compileRuleSet, formatProblem, readRuleFiles } from '../contracts/index.js';
import {
  createSigner,
  ENC_KEY_FILE,
  generateEncryptionKey,
  generateIssuerKey,
  generateSeed,
  publicKeyOf,
} from '../crypto/index.js';
import { type RuleFileData, signMemberFile } from '../ledger/index.js';
import { peerIdFromSeed } from '../p2p/index.js';
import { listenHost, p2pMultiaddr } from './address.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_CONSENSUS, DEFAULT_MEMPOOL, defaultContractsDir } from './defaults.js';
import { ConfigError, ConfigErrorCode } from './errors.js';
import type { Genesis, GenesisMember } from './genesis.js';
import { writePrivateFile, writeSecretKeyFile } from './key-files.js';
import { SUBSCRIPTION_KEY_FILE } from './load.js';
import type { NetworkDefinition, OrgDefinition } from './network-file.js';
import type { NodeConfigFile } from './node-config.js';

export const GENESIS_FILE = 'genesis.json';
export const NODE_FILE = 'node.json';

export interface InitResult {
  genesisPath: string;
  nodeConfigs: Array<{ org: string; path: string }>;
}

/**
 * `waybill network init`: writes genesis.json (public) and, per org, node.json with its private
 * node key, token issuer key and X25519 encryption key beside it (mode 0600; never in genesis).
 */
export async function initNetwork(def: NetworkDefinition, outDir: string, now: number): Promise<InitResult> {
  const genesisPath = join(outDir, GENESIS_FILE);
  if (existsSync(genesisPath)) {
    throw new ConfigError(ConfigErrorCode.Invalid, `${genesisPath} exists; refusing to overwrite a network`);
  }
  const rules = genesisRules(def.contracts ?? defaultContractsDir());
  mkdirSync(outDir, { recursive: true });
  const members: GenesisMember[] = [];
  const nodeConfigs: InitResult['nodeConfigs'] = [];
  for (const org of def.orgs) {
    const orgDir = join(outDir, org.id);
    mkdirSync(orgDir, { recursive: true, mode: 0o700 });
    members.push((await writeOrgKeys(org, orgDir)).member);
    const path = join(orgDir, NODE_FILE);
    writeFileSync(path, `${JSON.stringify(nodeConfigOf(org), null, 2)}\n`);
    nodeConfigs.push({ org: org.id, path });
  }
  const genesis: Genesis = {
    network: def.network,
    privacy: def.privacy ?? 'sealed',
    timestamp: now,
    members,
    consensus: { ...DEFAULT_CONSENSUS, ...def.consensus },
    rules,
    // Only when the network file lists grants, so a network without any keeps its genesis hash.
    ...(def.grants === undefined ? {} : { grants: def.grants }),
  };
  writeFileSync(genesisPath, `${JSON.stringify(genesis, null, 2)}\n`);
  return { genesisPath, nodeConfigs };
}

/** The rule files of `dir`, refused with every problem when they do not compile. */
function genesisRules(dir: string): RuleFileData[] {
  const { problems } = compileRuleSet(dir);
  if (problems.length > 0) {
    throw new ConfigError(
      ConfigErrorCode.Invalid,
      `the genesis rules in ${dir} do not compile:\n${problems.map(formatProblem).join('\n')}`,
    );
  }
  return readRuleFiles(dir);
}

async function writeOrgKeys(
  org: OrgDefinition,
  orgDir: string,
): Promise<{ member: GenesisMember; seed: Uint8Array }> {
  const seed = generateSeed();
  writePrivateFile(join(orgDir, 'node.key'), `${toHex(seed)}\n`);
  const issuer = await generateIssuerKey(org.id);
  writePrivateFile(join(orgDir, 'jwt.key'), `${JSON.stringify(issuer.privateJwk)}\n`);
  writeSecretKeyFile(join(orgDir, SUBSCRIPTION_KEY_FILE));
  const enc = await generateEncryptionKey(org.id);
  writePrivateFile(join(orgDir, ENC_KEY_FILE), `${JSON.stringify(enc.privateJwk)}\n`);
  const member: GenesisMember = {
    id: org.id,
    name: org.name,
    parties: org.parties,
    locations: org.locations,
    publicKey: toHex(publicKeyOf(seed)),
    peerId: peerIdFromSeed(seed),
    jwtIssuerKey: issuer.publicJwk,
    encryptionKeys: [enc.publicKey],
    host: org.host,
    apiPort: org.apiPort,
    p2pPort: org.p2pPort,
    // Written only when given, so a network without observers keeps the genesis it had.
    ...(org.role && { role: org.role }),
  };
  return { member, seed };
}

export const MEMBER_FILE = 'member.json';

/**
 * `waybill member init`: keys and node.json for an organisation joining an existing network, and
 * member.json, its signed public description to hand to the consortium (POST /governance/members).
 * The node key, token issuer key and subscription key are generated as `network init` does.
 */
export async function initMember(
  genesisPath: string,
  genesis: Genesis,
  org: OrgDefinition,
  outDir: string,
): Promise<{ nodeConfig: string; memberFile: string }> {
  if (genesis.members.some((m) => m.id === org.id)) {
    throw new ConfigError(ConfigErrorCode.Invalid, `${org.id} is already a member in ${genesisPath}`);
  }
  const orgDir = join(outDir, org.id);
  const memberFile = join(orgDir, MEMBER_FILE);
  if (existsSync(memberFile)) {
    throw new ConfigError(
      ConfigErrorCode.Invalid,
      `${memberFile} exists; refusing to overwrite a member's keys`,
    );
  }
  mkdirSync(orgDir, { recursive: true, mode: 0o700 });
  const { member, seed } = await writeOrgKeys({ ...org, role: org.role ?? 'validator' }, orgDir);
  // member.json carries the X25519 encryption key (from 0: it is active from the height the
  // change comes into force, which the member book sets), so the member can receive sealed events.
  writeFileSync(memberFile, `${JSON.stringify(signMemberFile(member, createSigner(seed)), null, 2)}\n`);
  const nodeConfig = join(orgDir, NODE_FILE);
  const file: NodeConfigFile = {
    ...nodeConfigOf(org),
    genesis: relative(orgDir, resolve(genesisPath)),
    memberFile: MEMBER_FILE,
  };
  writeFileSync(nodeConfig, `${JSON.stringify(file, null, 2)}\n`);
  return { nodeConfig, memberFile };
}

function nodeConfigOf(org: OrgDefinition): NodeConfigFile {
  return {
    org: org.id,
    genesis: `../${GENESIS_FILE}`,
    nodeKeyFile: 'node.key',
    jwtKeyFile: 'jwt.key',
    dataDir: 'data',
    api: { host: listenHost(org.host), port: org.apiPort, bodyLimit: DEFAULT_BODY_LIMIT },
    p2p: { listen: [p2pMultiaddr(listenHost(org.host), org.p2pPort)] },
    mempool: { ...DEFAULT_MEMPOOL },
    logLevel: 'info',
  };
}
