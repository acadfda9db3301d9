import { readFileSync } from 'node:fs';
import { apiUrl, localHost } from './address.js';
import { configPathOf } from './env.js';
import type { NodeConfigFile } from './node-config.js';

/**
 * The URL of `/healthz` of the node whose node.json `--config` or WAYBILL_CONFIG names, for the
 * container HEALTHCHECK (cli/healthcheck.ts). It reads node.json only, never the key files beside
 * it, and imports nothing but the address and environment helpers: Docker runs the probe as a fresh process every
 * 10 s with a 5 s timeout, and this folder's face (index.ts) loads libp2p, ajv and the custody
 * rules, 3.5–4.5 s and 118 MB a probe on a busy two-core machine, where CI saw every probe of
 * four containers time out.
 */
export function healthzUrlOf(flag: string | undefined): string {
  const file = JSON.parse(readFileSync(configPathOf(flag), 'utf8')) as NodeConfigFile;
  return `${apiUrl(localHost(file.api.host), file.api.port)}/healthz`;
}
