import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashOf } from '../common/index.js';
import { celEnvironment, compileFile } from './rule-compiler.js';
import { type Rule, type RuleSet, RuleSetError } from './rules.js';
import type { RuleProblem } from './types.js';

/** Parses and type-checks every rule file (*.yaml, *.yml) of `dir`, in file name order. */
export function checkRuleSet(dir: string): RuleProblem[] {
  return compileRuleSet(dir).problems;
}

/** Loads a rule set, or throws a RuleSetError listing every problem. */
export function loadRuleSet(dir: string): RuleSet {
  const { ruleSet, problems } = compileRuleSet(dir);
  if (problems.length > 0) throw new RuleSetError(problems);
  return ruleSet;
}

/** A rule file as data: its name and text. Rule sets travel this way in genesis and governance. */
export interface RuleFile {
  name: string;
  text: string;
}

/** The rule files (*.yaml, *.yml) of `dir`, in file name order. */
export function readRuleFiles(dir: string): RuleFile[] {
  return readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/**
 * The rule-set hash: SHA-256 of the canonical JSON of the files sorted by name. Blocks record the
 * hash they were evaluated under; governance approves a hash.
 */
export function ruleSetHash(files: readonly RuleFile[]): string {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return hashOf({ files: sorted.map((f) => ({ name: f.name, text: f.text })) });
}

export function compileRuleSet(dir: string): { ruleSet: RuleSet; problems: RuleProblem[] } {
  let files: RuleFile[];
  try {
    files = readRuleFiles(dir);
  } catch (err) {
    const problems = [{ file: dir, line: 0, message: `cannot read directory: ${(err as Error).message}` }];
    return { ruleSet: { rules: [], files: [], hash: ruleSetHash([]) }, problems };
  }
  const compiled = compileRuleFiles(files, dir);
  if (files.length === 0)
    compiled.problems.unshift({ file: dir, line: 0, message: 'no rule files (*.yaml)' });
  return compiled;
}

/** Loads rule files given as data, or throws a RuleSetError listing every problem. */
export function loadRuleFiles(files: readonly RuleFile[]): RuleSet {
  const { ruleSet, problems } = compileRuleFiles(files);
  if (problems.length > 0) throw new RuleSetError(problems);
  return ruleSet;
}

/** Compiles rule files in name order; problems name `<dir>/<file>` when a directory is given. */
export function compileRuleFiles(
  input: readonly RuleFile[],
  dir?: string,
): { ruleSet: RuleSet; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const files = [...input].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (files.length === 0 && dir === undefined)
    problems.push({ file: '-', line: 0, message: 'no rule files' });
  const env = celEnvironment();
  const rules: Rule[] = [];
  for (const f of files) {
    if (!/^[A-Za-z0-9._-]+\.ya?ml$/.test(f.name)) {
      problems.push({
        file: f.name,
        line: 0,
        message: 'a rule file name is <name>.yaml (letters, digits, . _ -)',
      });
      continue;
    }
    rules.push(...compileFile(dir === undefined ? f.name : join(dir, f.name), f.text, env, problems));
  }
  const seen = new Map<string, Rule>();
  for (const rule of rules) {
    const first = seen.get(rule.id);
    if (first) {
      problems.push({
        file: rule.file,
        line: rule.line,
        message: `duplicate rule id ${rule.id} (first at ${first.file}:${first.line})`,
      });
    } else seen.set(rule.id, rule);
  }
  return { ruleSet: { rules, files: files.map((f) => f.name), hash: ruleSetHash(files) }, problems };
}
