import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { issueToken } from '../api/index.js';
import { ErrorCode, WaybillError } from '../common/index.js';
import { configPathOf, loadNodeConfig, readPrivateFile, withEnvironment } from '../config/index.js';
import { restoreLedger } from '../storage/index.js';
import { flags } from './args.js';

/** How long the backup may take before the CLI gives up (a ledger of gigabytes takes a while). */
const BACKUP_TIMEOUT_MS = 30 * 60_000;

/**
 * `waybill node backup`: asks the running node for a consistent copy of its ledger
 * (POST /admin/backup, with a short-lived admin token signed by the org's issuer key) and writes
 * it to --out, mode 0600. The node holds its ledger file with an exclusive lock, so the copy is
 * taken inside the node, not by opening the file from here (docs/operations.md).
 */
export async function runNodeBackup(args: string[]): Promise<number> {
  const f = flags(args, { config: { type: 'string' }, out: { type: 'string' } }, ['out']);
  const config = loadNodeConfig(configPathOf(f.config));
  const out = f.out as string;
  const token = await issueToken({
    privateJwk: JSON.parse(readPrivateFile(config.jwtKeyPath)),
    org: config.org,
    network: config.genesis.network,
    sub: 'waybill-node-backup',
    roles: ['admin'],
    ttlSeconds: 300,
  });
  const host = ['0.0.0.0', '::', ''].includes(config.api.host) ? '127.0.0.1' : config.api.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.api.port}/admin/backup`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(BACKUP_TIMEOUT_MS),
    });
  } catch (err) {
    throw new WaybillError(ErrorCode.NotReady, `no node answers at ${url}: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    const detail = await res.text().catch(() => '');
    throw new WaybillError(ErrorCode.Internal, `the node refused the backup (${res.status}): ${detail}`);
  }
  const part = `${out}.part`;
  try {
    await pipeline(Readable.fromWeb(res.body as never), createWriteStream(part, { mode: 0o600 }));
    renameSync(part, out);
  } catch (err) {
    rmSync(part, { force: true });
    throw err;
  }
  const height = res.headers.get('waybill-backup-height') ?? '?';
  process.stdout.write(`backup of ${config.org}'s ledger at height ${height} written to ${out}\n`);
  return 0;
}

/**
 * `waybill node restore`: puts a backup in place as the ledger of the node's data directory
 * (node.json's dataDir, or WAYBILL_DATA_DIR), which must be new or empty. Start the node then:
 * it catches up from its peers.
 */
export async function runNodeRestore(args: string[]): Promise<number> {
  const f = flags(args, { config: { type: 'string' }, from: { type: 'string' } }, ['from']);
  const config = withEnvironment(loadNodeConfig(configPathOf(f.config)));
  const height = await restoreLedger(f.from as string, config.dataDir, {
    network: config.genesis.network,
    genesisHash: config.genesisHash,
    genesisTimestamp: config.genesis.timestamp,
  });
  process.stdout.write(
    `restored ${config.org}'s ledger at height ${height} into ${config.dataDir}; start the node to catch up\n`,
  );
  return 0;
}
