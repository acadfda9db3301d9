import { relative } from 'node:path';
import { defaultContractsDir, initNetwork, readNetworkDefinition } from '../config/index.js';
import { compileRuleSet, formatProblem } from '../contracts/index.js';
import { sealedFieldProblems } from '../privacy/index.js';
import { flags } from './args.js';

export async function runNetworkInit(args: string[]): Promise<number> {
  const f = flags(args, { config: { type: 'string' }, out: { type: 'string' } }, ['config', 'out']);
  const def = readNetworkDefinition(f.config as string);
  if (def.privacy !== 'open') {
    // A sealed network's rules read the public view only (docs/privacy.md).
    const problems = sealedFieldProblems(compileRuleSet(def.contracts ?? defaultContractsDir()).ruleSet);
    for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    if (problems.length > 0) return 1;
  }
  const result = await initNetwork(def, f.out as string, Date.now());
  const out = process.stdout;
  out.write(`network ${def.network}: ${def.orgs.length} members\n`);
  out.write(`  genesis  ${relative(process.cwd(), result.genesisPath)}\n`);
  for (const n of result.nodeConfigs) out.write(`  ${n.org.padEnd(24)} ${relative(process.cwd(), n.path)}\n`);
  return 0;
}
