import { defaultContractsDir } from '../config/index.js';
import { compileRuleSet, formatProblem } from '../contracts/index.js';
import { sealedFieldProblems } from '../privacy/index.js';

/**
 * `waybill contracts check [dir]`: parses and type-checks every rule, and refuses a rule reading a
 * field a sealed network seals (docs/privacy.md); file:line for each problem.
 */
export async function runContractsCheck(args: string[]): Promise<number> {
  const [dir = defaultContractsDir(), ...rest] = args;
  if (rest.length > 0) {
    process.stderr.write('usage: waybill contracts check [dir]\n');
    return 2;
  }
  const compiled = compileRuleSet(dir);
  const problems = [...compiled.problems, ...sealedFieldProblems(compiled.ruleSet)];
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  process.stdout.write(
    problems.length === 0 ? `${dir}: rule set is valid\n` : `${problems.length} problem(s)\n`,
  );
  return problems.length === 0 ? 0 : 1;
}
