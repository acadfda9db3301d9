import { relative } from 'node:path';
import { configPathOf, rotateMemberKeys } from '../config/index.js';
import { flags } from './args.js';

/** `waybill member rotate --config <node.json> [--node-key] [--enc-key] [--out <member.json>]`. */
export async function runMemberRotate(args: string[]): Promise<number> {
  const f = flags(args, {
    config: { type: 'string' },
    'node-key': { type: 'boolean' },
    'enc-key': { type: 'boolean' },
    out: { type: 'string' },
  }) as Record<string, string | boolean | undefined>;
  const result = await rotateMemberKeys(configPathOf(f.config as string | undefined), {
    nodeKey: f['node-key'] === true,
    encKey: f['enc-key'] === true,
    out: f.out as string | undefined,
  });
  const rel = (p: string) => relative(process.cwd(), p);
  const out = process.stdout;
  if (result.encKeyFile)
    out.write(`  encryption key ${result.kid}  ${rel(result.encKeyFile)}  (0600; keep every earlier one)\n`);
  if (result.nodeKeyFile) out.write(`  next node key  ${rel(result.nodeKeyFile)}  (0600; not in use yet)\n`);
  out.write(`  member file    ${rel(result.memberFile)}  (propose it as an update)\n`);
  out.write('Next (docs/operations.md, "Rotating a member\'s keys"):\n');
  if (result.encKeyFile)
    out.write(
      '  1. restart the node now, so it holds the new encryption key before the update comes into force;\n',
    );
  out.write(
    '  2. POST /governance/members {"action": "update", "member": <member file>} at this node; 2f+1 validators approve;\n',
  );
  out.write(
    result.nodeKeyFile
      ? '  3. once GET /governance/members shows the update in force, stop the node, move node.next.key over\n     node.key, point node.json memberFile at the new member file, and start it again.\n'
      : '  3. once the update is in force, point node.json memberFile at the new member file (any restart after).\n',
  );
  return 0;
}
