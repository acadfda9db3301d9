import { defaultContractsDir } from '../config/index.js';
import { checkRuleSet, formatProblem } from '../contracts/index.js';

/** `waybill contracts check [dir]`: parses and type-checks every rule; file:line for each problem. */
export async function runContractsCheck(args: string[]): Promise<number> {
  const [dir = defaultContractsDir(), ...rest] = args;
  if (rest.length > 0) {
    process.stderr.write('usage: waybill contracts check [dir]\n');
    return 2;
  }
  const problems = checkRuleSet(dir);
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  process.stdout.write(
    problems.length === 0 ? `${dir}: rule set is valid\n` : `${problems.length} problem(s)\n`,
  );
  return problems.length === 0 ? 0 : 1;
}
