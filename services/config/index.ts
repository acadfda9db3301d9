export { apiUrl, listenHost, localHost, p2pMultiaddr } from './address.js';
export {
  type IdentityProvider,
  type JwksIssuerFile,
  parseAuthConfig,
  type SignIn,
  type SignInFile,
} from './auth-config.js';
export { parseCidrs } from './cidr.js';
export {
  blockCostLimit,
  DEFAULT_BODY_LIMIT,
  DEFAULT_CONSENSUS,
  DEFAULT_MEMPOOL,
  DEFAULT_RATE_LIMIT,
  defaultContractsDir,
} from './defaults.js';
export {
  configPathOf,
  ENV_VARS,
  type Environment,
  faultInjectionEnabled,
  withEnvironment,
} from './env.js';
export { ConfigError, ConfigErrorCode, type ConfigErrorMeta } from './errors.js';
export type {
  ConsensusParams,
  EncryptionPublicKey,
  Genesis,
  GenesisMember,
  PrivacyMode,
  PublicJwk,
} from './genesis.js';
export { GENESIS_FILE, type InitResult, initMember, initNetwork, MEMBER_FILE, NODE_FILE } from './init.js';
export { readPrivateFile, writePrivateFile, writeSecretKeyFile } from './key-files.js';
export {
  genesisHashOf,
  loadNodeConfig,
  mempoolOf,
  type NodeConfig,
  rateLimitOf,
  readGenesis,
} from './load.js';
export {
  type NetworkDefinition,
  type OrgDefinition,
  parseNetworkDefinition,
  readNetworkDefinition,
  readOrgDefinition,
} from './network-file.js';
export type { NodeConfigFile } from './node-config.js';
export {
  NEXT_MEMBER_FILE,
  NEXT_NODE_KEY_FILE,
  type RotateOptions,
  type RotateResult,
  rotateMemberKeys,
} from './rotate.js';
