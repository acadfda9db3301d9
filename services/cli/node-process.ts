import { ENV_VARS } from '../config/index.js';

/**
 * The one command that runs a node, after `node <cli>`: the devnet spawns it once per
 * organisation and deploy/Dockerfile's ENTRYPOINT is it (a test holds the two together). Both
 * name node.json through WAYBILL_CONFIG, so devnet and containers differ only in the addresses
 * inside that file (and the image's WAYBILL_DATA_DIR, which puts the data on its volume).
 */
export const NODE_START_ARGS = ['node', 'start'] as const;

/**
 * The environment of one devnet node: the caller's, minus a data directory override that
 * would send every organisation to the same place, plus its node.json.
 */
export function nodeEnvironment(
  configPath: string,
  parent: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const { [ENV_VARS.dataDir]: _shared, ...env } = parent;
  return { ...env, [ENV_VARS.config]: configPath };
}
