import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkRuleSet,
  createEngine,
  loadRuleSet,
  MemoryCustodyState,
  RULE_ERROR,
  RuleSetError,
} from '../../services/contracts/index.js';
import { commission, epc, MEMBERS, objectEvent, RULES_DIR } from './helpers.js';

const dirs: string[] = [];
function ruleDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-rules-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const GOOD = `rules:
  - id: ship
    description: shipping
    when:
      bizStep: shipping
    require:
      - check: objects.all(o, o.custodian == org)
        code: CUSTODY_NOT_HELD
        message: not held
    effects:
      - ship
`;

describe('rule sets', () => {
  it('the shipped rule set checks clean', () => {
    expect(checkRuleSet(RULES_DIR)).toEqual([]);
    const ids = loadRuleSet(RULES_DIR).rules.map((r) => r.id);
    expect(ids).toContain('commission');
    expect(ids).toContain('observe');
  });

  it('loads a minimal rule set', () => {
    const rules = loadRuleSet(ruleDir({ 'a.yaml': GOOD })).rules;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ id: 'ship', line: 2, effects: [{ op: 'ship', params: {} }] });
  });

  it('reports CEL syntax and type errors at their file and line', () => {
    const dir = ruleDir({
      'a.yaml': GOOD.replace('o.custodian == org', 'o.custodian == '),
      'b.yaml': GOOD.replace('id: ship', 'id: ship2').replace('o.custodian == org', 'size(org) + "x"'),
      'c.yaml': GOOD.replace('id: ship', 'id: ship3').replace(
        '      - check: objects.all(o, o.custodian == org)',
        '      - check: |\n          objects.all(o, o.exists) &&\n          nosuch == 1',
      ),
    });
    const problems = checkRuleSet(dir);
    expect(problems.map((p) => [p.file.split('/').pop(), p.line])).toEqual([
      ['a.yaml', 7],
      ['b.yaml', 7],
      ['c.yaml', 9],
    ]);
    expect(problems[0]?.message).toMatch(/^CEL: /);
    expect(problems[2]?.message).toMatch(/nosuch/);
  });

  it('reports non-boolean checks, unknown keys, unknown effects and bad parameters', () => {
    const dir = ruleDir({
      'a.yaml': `rules:
  - id: one
    description: d
    colour: blue
    require:
      - check: size(objects)
        code: X
        message: m
    effects:
      - teleport
      - create: {of: nowhere}
      - terminate: {status: destroyed, colour: red}
`,
    });
    const problems = checkRuleSet(dir);
    expect(problems.map((p) => p.line)).toEqual([4, 6, 10, 11, 12]);
    expect(problems[1]?.message).toMatch(/must be bool/);
    expect(problems[2]?.message).toMatch(/unknown effect teleport/);
  });

  it('reports YAML errors, duplicate ids, bad codes and missing fields', () => {
    const dir = ruleDir({
      'a.yaml': 'rules:\n  - id: one\n    description: [unclosed\n',
      'b.yaml': GOOD,
      'c.yaml': GOOD.replace('CUSTODY_NOT_HELD', 'lower').replace('    description: shipping\n', ''),
      'd.yaml': GOOD,
    });
    const problems = checkRuleSet(dir);
    const byFile = (name: string) => problems.filter((p) => p.file.endsWith(name));
    expect(byFile('a.yaml').length).toBeGreaterThan(0);
    expect(
      byFile('c.yaml')
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(/description missing[\s\S]*UPPER_SNAKE/);
    expect(byFile('d.yaml')).toEqual([
      { file: join(dir, 'd.yaml'), line: 2, message: expect.stringMatching(/duplicate rule id ship/) },
    ]);
  });

  it('loadRuleSet throws a typed error listing every problem', () => {
    const dir = ruleDir({ 'a.yaml': GOOD.replace('- ship', '- fly') });
    try {
      loadRuleSet(dir);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RuleSetError);
      expect((err as RuleSetError).problems).toHaveLength(1);
      expect((err as RuleSetError).problems[0]?.line).toBe(11);
    }
  });

  it('reports an empty or missing directory', () => {
    expect(checkRuleSet(ruleDir({}))[0]?.message).toMatch(/no rule files/);
    expect(checkRuleSet('/nonexistent/waybill')[0]?.message).toMatch(/cannot read/);
  });
});

describe('rule semantics', () => {
  const dir = () =>
    ruleDir({
      'a.yaml': `ruleset: test
rules:
  - id: lenient
    description: events with a note must carry it as a string
    when:
      if: has(event.note)
    require:
      - check: event.note.size() > 0 && block.height > 0
        code: EMPTY_NOTE
        message: empty note
  - id: strict
    description: a runtime error rejects with RULE_ERROR
    when:
      type: ObjectEvent
      bizStep: storing
    require:
      - check: event.missing == 'x'
        code: NEVER
        message: never
  - id: rest
    description: everything else is counted as observed
    fallback: true
    effects:
      - create
`,
    });

  it('applies when.if, fallback rules and RULE_ERROR', () => {
    const engine = createEngine(loadRuleSet(dir()), MEMBERS);
    const state = new MemoryCustodyState();
    const ctx = { org: 'farm', height: 1, timestamp: 1000 };
    const e = (fields: Record<string, unknown>) =>
      objectEvent({ epcList: [epc(1)], action: 'OBSERVE', ...fields });
    expect(engine.evaluate(e({ note: '' }), ctx, state)).toMatchObject({
      accepted: false,
      code: 'EMPTY_NOTE',
    });
    expect(engine.evaluate(e({ note: 'hi' }), ctx, state)).toMatchObject({
      accepted: true,
      rules: ['lenient'],
    });
    expect(engine.evaluate(e({ note: 5 }), ctx, state)).toMatchObject({ accepted: false, code: RULE_ERROR });
    expect(engine.evaluate(e({ bizStep: 'storing' }), ctx, state)).toMatchObject({
      code: RULE_ERROR,
      rule: 'strict',
    });
    const v = engine.process(commission([epc(2)]), ctx, state);
    expect(v).toMatchObject({ accepted: true, rules: ['rest'], effects: [{ op: 'create', rule: 'rest' }] });
    expect(state.getObject(epc(2))).toBeUndefined();
    expect(state.getObject('https://id.gs1.org/01/10614141073464/21/2')?.owner).toBe('farm');
  });
});
