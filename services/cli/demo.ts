import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { issueToken } from '../api/index.js';
import { createWaybillClient } from '../client/index.js';
import { ErrorCode, WaybillError } from '../common/index.js';
import { apiUrl, GENESIS_FILE, type GenesisMember, readGenesis, readPrivateFile } from '../config/index.js';
import { type DemoNode, runStory } from '../demo/index.js';
import { flags } from './args.js';

/**
 * `waybill demo`: the four-organisation story against a running network (the devnet, or
 * docker-compose with `--host 127.0.0.1`). Tokens are minted from each org's issuer key in the
 * network directory. Exits 1 when any expectation fails, so CI runs it end to end.
 */
export async function runDemo(args: string[]): Promise<number> {
  const f = flags(args, {
    network: { type: 'string', default: '.devnet' },
    host: { type: 'string' },
    out: { type: 'string', default: '.' },
  });
  const dir = resolve(f.network as string);
  const genesis = readGenesis(join(dir, GENESIS_FILE));
  if (genesis.members.length < 4) {
    throw new WaybillError(
      ErrorCode.ConfigInvalid,
      'the demo needs four members: grower, packer, carrier, retailer',
    );
  }
  const nodes = await Promise.all(
    genesis.members.slice(0, 4).map((m) => demoNode(m, dir, genesis.network, f.host)),
  );
  const outDir = resolve(f.out as string);
  mkdirSync(outDir, { recursive: true });
  const failures = await runStory({
    nodes: nodes as [DemoNode, DemoNode, DemoNode, DemoNode],
    outDir,
    run: Date.now().toString(36).toUpperCase(),
    print: (line) => process.stdout.write(`${line}\n`),
    genesis,
  });
  return failures === 0 ? 0 : 1;
}

async function demoNode(m: GenesisMember, dir: string, network: string, host?: string): Promise<DemoNode> {
  const token = await issueToken({
    privateJwk: JSON.parse(readPrivateFile(join(dir, m.id, 'jwt.key'))),
    org: m.id,
    network,
    sub: 'waybill-demo',
    roles: ['events:write', 'events:read'],
    ttlSeconds: 3600,
  });
  const url = apiUrl(host ?? m.host, m.apiPort);
  const party = { party: m.parties[0] ?? '', site: m.locations[0] ?? '' };
  return { org: m.id, name: m.name, url, client: createWaybillClient(url, token), token, party };
}
