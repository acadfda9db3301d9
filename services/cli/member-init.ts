import { relative } from 'node:path';
import { initMember, readGenesis, readOrgDefinition } from '../config/index.js';
import { flags } from './args.js';

/** `waybill member init --genesis <genesis.json> --config <org.yaml> --out <dir>`. */
export async function runMemberInit(args: string[]): Promise<number> {
  const f = flags(
    args,
    { genesis: { type: 'string' }, config: { type: 'string' }, out: { type: 'string' } },
    ['genesis', 'config', 'out'],
  );
  const genesisPath = f.genesis as string;
  const org = readOrgDefinition(f.config as string);
  const result = await initMember(genesisPath, readGenesis(genesisPath), org, f.out as string);
  const out = process.stdout;
  out.write(`member ${org.id} (${org.role ?? 'validator'}) of network ${readGenesis(genesisPath).network}\n`);
  out.write(`  node config  ${relative(process.cwd(), result.nodeConfig)}\n`);
  out.write(`  member file  ${relative(process.cwd(), result.memberFile)}  (hand it to the consortium)\n`);
  out.write(
    'Propose it: POST /governance/members {"action": "add", "member": <member.json>} at a validator\'s node;\n',
  );
  out.write('once 2f+1 validators approved, start the node: waybill node start --config <node config>\n');
  return 0;
}
