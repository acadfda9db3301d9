// Not config/index.js, which loads libp2p, ajv and the custody rules: a probe every 10 s stays light.
import { healthzUrlOf } from '../config/probe.js';

/**
 * The container HEALTHCHECK (deploy/Dockerfile): GET /healthz of the node named by WAYBILL_CONFIG
 * (or --config), exit 0 when it answers 200. The slim image has no curl, so node itself asks.
 * It reads node.json only, never the key files beside it.
 */
async function check(args: string[]): Promise<number> {
  try {
    const url = healthzUrlOf(args[0] === '--config' ? args[1] : undefined);
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    if (res.ok) return 0;
    process.stderr.write(`unhealthy: ${url} answered ${res.status}\n`);
  } catch (err) {
    process.stderr.write(`unhealthy: ${(err as Error).message}\n`);
  }
  return 1;
}

process.exitCode = await check(process.argv.slice(2));
