// Imported from their modules, not the folders' index.ts: a token is minted in a fraction of a
// second without loading the HTTP server, libp2p or the rule compiler.

import type { Role } from '../api/index.js';
import { issueToken } from '../api/index.js';
import { ErrorCode, WaybillError } from '../common/index.js';
import { configPathOf, loadNodeConfig, readPrivateFile } from '../config/index.js';
import { flags } from './args.js';

const ROLES: readonly Role[] = ['events:write', 'events:read', 'admin'];

export function parseRoles(value: string): Role[] {
  const roles = value.split(',').map((r) => r.trim());
  for (const r of roles) {
    if (!ROLES.includes(r as Role)) {
      throw new WaybillError(ErrorCode.BadRequest, `unknown role '${r}'; roles are ${ROLES.join(', ')}`);
    }
  }
  return roles as Role[];
}

export async function runToken(args: string[]): Promise<number> {
  const f = flags(
    args,
    {
      config: { type: 'string' },
      sub: { type: 'string' },
      role: { type: 'string' },
      ttl: { type: 'string', default: '86400' },
    },
    ['sub', 'role'],
  );
  const config = loadNodeConfig(configPathOf(f.config));
  const ttlSeconds = Number(f.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new WaybillError(ErrorCode.BadRequest, '--ttl must be a positive number of seconds');
  }
  const token = await issueToken({
    privateJwk: JSON.parse(readPrivateFile(config.jwtKeyPath)),
    org: config.org,
    network: config.genesis.network,
    sub: f.sub as string,
    roles: parseRoles(f.role as string),
    ttlSeconds,
  });
  process.stdout.write(`${token}\n`);
  return 0;
}
