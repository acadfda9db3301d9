import { readFileSync } from 'node:fs';
import type { NodeConfigFile } from '../config/index.js';
// Straight from the files, not config/index.js, which loads libp2p: a probe every few seconds stays light.
import { apiUrl, configPathOf, localHost } from '../config/index.js';

/**
 * The container HEALTHCHECK (deploy/Dockerfile): GET /healthz of the node named by WAYBILL_CONFIG
 * (or --config), exit 0 when it answers 200. The slim image has no curl, so node itself asks.
 * It reads node.json only, never the key files beside it.
 */
async function check(args: string[]): Promise<number> {
  try {
    const flag = args[0] === '--config' ? args[1] : undefined;
    const file = JSON.parse(readFileSync(configPathOf(flag), 'utf8')) as NodeConfigFile;
    const url = `${apiUrl(localHost(file.api.host), file.api.port)}/healthz`;
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    if (res.ok) return 0;
    process.stderr.write(`unhealthy: ${url} answered ${res.status}\n`);
  } catch (err) {
    process.stderr.write(`unhealthy: ${(err as Error).message}\n`);
  }
  return 1;
}

process.exitCode = await check(process.argv.slice(2));
