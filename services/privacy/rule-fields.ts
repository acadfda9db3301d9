import type { RuleProblem, RuleSet } from '../contracts/index.js';
import { PARTLY_PUBLIC_FIELDS, PUBLIC_FIELDS } from './tiers.js';

/**
 * What the rules may read of an event in a sealed network (docs/privacy.md): every node judges the
 * public view only, so a rule reading a sealed field would judge differently on the nodes that
 * hold it than on those that do not, or not at all. `waybill contracts check` and `network init`
 * refuse such rules with the rule's file and line.
 */

/** The ilmd keys a rule set reads: the `create` effect's temperature parameters. */
export function publicIlmdKeysOf(ruleSet: RuleSet): string[] {
  return [...new Set(ilmdReads(ruleSet).map((r) => r.key))].sort();
}

function ilmdReads(ruleSet: RuleSet): Array<{ key: string; rule: RuleSet['rules'][number] }> {
  const out: Array<{ key: string; rule: RuleSet['rules'][number] }> = [];
  for (const rule of ruleSet.rules) {
    for (const effect of rule.effects) {
      if (effect.op !== 'create') continue;
      for (const k of ['minTemperature', 'maxTemperature']) {
        const v = effect.params[k];
        if (v !== undefined) out.push({ key: v, rule });
      }
    }
  }
  return out;
}

/**
 * One problem per ilmd key a rule set reads that is not among `publicKeys`: a sealed network's
 * public ilmd keys are those its genesis rules read (block-apply.ts tiersOf), so a rule set
 * governance activates later that reads another would read a sealed field.
 */
export function sealedIlmdProblems(ruleSet: RuleSet, publicKeys: readonly string[]): RuleProblem[] {
  return ilmdReads(ruleSet)
    .filter(({ key }) => !publicKeys.includes(key))
    .map(({ key, rule }) => ({
      file: rule.file,
      line: rule.line,
      message: `rule ${rule.id} reads ilmd key ${key}, which this sealed network seals: its public ilmd keys are those its genesis rules read (docs/privacy.md)`,
    }));
}

// A hand-written scan, not a CEL AST walk: the CEL library compiles to closures without a public
// AST. String literals are blanked first, so text inside them is never taken for a read.
const STRINGS = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;
const READ = /\bevent\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[)/g;

const READABLE = new Set([...PUBLIC_FIELDS, ...PARTLY_PUBLIC_FIELDS]);

/** The event fields an expression reads outside the public view (`[` for a dynamic read). */
export function sealedReads(source: string): string[] {
  const text = source.replace(STRINGS, (s) => `"${' '.repeat(Math.max(0, s.length - 2))}"`);
  const out: string[] = [];
  for (const m of text.matchAll(READ)) {
    const field = m[1];
    if (field === undefined) out.push('event[...]');
    else if (!READABLE.has(field)) out.push(`event.${field}`);
  }
  return out;
}

/** One problem per rule expression that reads a sealed field. */
export function sealedFieldProblems(ruleSet: RuleSet): RuleProblem[] {
  const problems: RuleProblem[] = [];
  for (const rule of ruleSet.rules) {
    const expressions = [...(rule.when.if ? [rule.when.if] : []), ...rule.require];
    for (const { source } of expressions) {
      for (const read of sealedReads(source)) {
        problems.push({
          file: rule.file,
          line: rule.line,
          message: `rule ${rule.id} reads ${read}, which a sealed network seals: rules read only the public view (docs/privacy.md)`,
        });
      }
    }
  }
  return problems;
}
