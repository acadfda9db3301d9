import { resolve } from 'node:path';
import { ErrorCode, WaybillError } from '../common/index.js';
import type { NodeConfig } from './load.js';

/**
 * Every environment variable Waybill reads, named in this one place. node.json and the CLI flags
 * say the same things; the variables exist for containers, whose configuration comes from mounted
 * files and the environment (deploy/Dockerfile, docker-compose.yml). A flag wins over a variable,
 * a variable over node.json. Consensus and execution never read any of them.
 */
export const ENV_VARS = {
  /** Path of node.json when `--config` is not given (`waybill node start`, `waybill token`). */
  config: 'WAYBILL_CONFIG',
  /** Replaces node.json's `dataDir`: the container image points it at its volume, /data. */
  dataDir: 'WAYBILL_DATA_DIR',
  /** Replaces node.json's `logLevel` (trace, debug, info, warn, error, fatal). */
  logLevel: 'WAYBILL_LOG_LEVEL',
  /** Tests only: `1` lets SIGUSR2 cut the node off from its peers and reconnect it. */
  faultInjection: 'WAYBILL_FAULT_INJECTION',
} as const;

export type Environment = Readonly<Record<string, string | undefined>>;

function value(env: Environment, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** node.json's path: the `--config` flag, else WAYBILL_CONFIG. */
export function configPathOf(flag: string | undefined, env: Environment = process.env): string {
  const path = flag === '' ? undefined : (flag ?? value(env, ENV_VARS.config));
  if (path === undefined) {
    throw new WaybillError(ErrorCode.BadRequest, `--config is required (or set ${ENV_VARS.config})`);
  }
  return path;
}

/** The node configuration with the environment's overrides applied. */
export function withEnvironment(config: NodeConfig, env: Environment = process.env): NodeConfig {
  const dataDir = value(env, ENV_VARS.dataDir);
  return {
    ...config,
    dataDir: dataDir === undefined ? config.dataDir : resolve(dataDir),
    logLevel: value(env, ENV_VARS.logLevel) ?? config.logLevel,
  };
}

export function faultInjectionEnabled(env: Environment = process.env): boolean {
  return env[ENV_VARS.faultInjection] === '1';
}
