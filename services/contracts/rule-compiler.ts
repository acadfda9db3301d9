import { Environment } from '@marcbachmann/cel-js';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import {
  CEL_VARIABLES,
  type CelProgram,
  EFFECT_OPS,
  type EffectOp,
  type EffectSpec,
  type Requirement,
  type Rule,
} from './rules.js';
import type { RuleProblem } from './types.js';

/** The CEL environment every rule expression is type-checked in: CEL_VARIABLES, optional types. */
export function celEnvironment(): Environment {
  const env = new Environment({ enableOptionalTypes: true });
  for (const [name, type] of Object.entries(CEL_VARIABLES)) env.registerVariable(name, type);
  return env;
}

const RULE_KEYS = ['id', 'description', 'when', 'fallback', 'require', 'effects'];
const WHEN_KEYS = ['type', 'action', 'bizStep', 'disposition', 'if'];
const REQUIRE_KEYS = ['check', 'code', 'message'];

/** Compiles one rule file's text; `file` only labels problems. */
export function compileFile(file: string, text: string, env: Environment, problems: RuleProblem[]): Rule[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  const problem = (node: Node | null | undefined, message: string) =>
    problems.push({ file, line: lineOf(node), message });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push({ file, line: e.linePos?.[0].line ?? 1, message: e.message });
    return [];
  }
  const root = doc.contents;
  if (!isMap(root)) {
    problem(root, 'a rule file is a map with a `rules` list');
    return [];
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'rules' && key !== 'ruleset') problem(pair.key as Node, `unknown key ${key}`);
  }
  const list = root.get('rules', true);
  if (!isSeq(list)) {
    problem(list ?? root, '`rules` must be a list');
    return [];
  }

  const compile = (node: unknown, code: string, message: string): Requirement | undefined => {
    if (!isScalar(node) || typeof node.value !== 'string') {
      problem(node as Node, 'a CEL expression must be a string');
      return undefined;
    }
    const source = node.value;
    const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' ? 1 : 0;
    const celProblem = (err: unknown) => {
      const e = err as { message?: string; node?: { pos?: number } };
      const pos = e.node?.pos ?? 0;
      const inner = source.slice(0, pos).split('\n').length - 1;
      problems.push({
        file,
        line: lineOf(node) + block + inner,
        message: `CEL: ${(e.message ?? String(err)).split('\n')[0]}`,
      });
    };
    try {
      const program = env.parse(source);
      const checked = program.check();
      if (!checked.valid) {
        celProblem(checked.error);
        return undefined;
      }
      if (checked.type !== 'bool' && checked.type !== 'dyn') {
        problem(node, `CEL: expression must be bool, is ${checked.type}`);
        return undefined;
      }
      return { source, program: program as unknown as CelProgram, code, message };
    } catch (err) {
      celProblem(err);
      return undefined;
    }
  };

  const rules: Rule[] = [];
  for (const item of list.items) {
    if (!isMap(item)) {
      problem(item as Node, 'a rule must be a map');
      continue;
    }
    const rule = compileRule(item, compile, problem, file, lineOf(item));
    if (rule) rules.push(rule);
  }
  return rules;
}

type Compile = (node: unknown, code: string, message: string) => Requirement | undefined;
type Problem = (node: Node | null | undefined, message: string) => void;

function compileRule(item: YAMLMap, compile: Compile, problem: Problem, file: string, line: number) {
  const before = { ok: true };
  const fail: Problem = (node, message) => {
    before.ok = false;
    problem(node, message);
  };
  checkKeys(item, RULE_KEYS, fail);
  const idNode = item.get('id', true);
  const id = isScalar(idNode) && typeof idNode.value === 'string' ? idNode.value : '';
  if (!/^[a-z][a-z0-9_-]*$/.test(id)) fail(idNode ?? item, 'rule needs an id: lower-case, [a-z0-9_-]');
  const descNode = item.get('description', true);
  const description = isScalar(descNode) && typeof descNode.value === 'string' ? descNode.value : '';
  if (!description) fail(descNode ?? item, `rule ${id}: description missing`);
  const fallbackNode = item.get('fallback', true);
  const fallback = isScalar(fallbackNode) && fallbackNode.value === true;
  if (fallbackNode && !(isScalar(fallbackNode) && typeof fallbackNode.value === 'boolean')) {
    fail(fallbackNode, `rule ${id}: fallback must be true or false`);
  }

  const when: Rule['when'] = {};
  const whenNode = item.get('when', true);
  if (whenNode !== undefined) {
    if (!isMap(whenNode)) fail(whenNode, `rule ${id}: when must be a map`);
    else {
      checkKeys(whenNode, WHEN_KEYS, fail);
      for (const key of ['type', 'action', 'bizStep', 'disposition'] as const) {
        const node = whenNode.get(key, true);
        if (node === undefined) continue;
        const values = stringList(node);
        if (!values) fail(node, `rule ${id}: when.${key} must be a string or a list of strings`);
        else when[key] = values;
      }
      const ifNode = whenNode.get('if', true);
      if (ifNode !== undefined) {
        const req = compile(ifNode, '', '');
        if (!req) before.ok = false;
        else when.if = req;
      }
    }
  }

  const require: Requirement[] = [];
  const requireNode = item.get('require', true);
  if (requireNode !== undefined && !isSeq(requireNode))
    fail(requireNode, `rule ${id}: require must be a list`);
  if (isSeq(requireNode)) {
    for (const r of requireNode.items) {
      if (!isMap(r)) {
        fail(r as Node, `rule ${id}: a requirement is a map {check, code, message}`);
        continue;
      }
      checkKeys(r, REQUIRE_KEYS, fail);
      const code = r.get('code');
      const message = r.get('message');
      if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(code)) {
        fail(r.get('code', true) ?? r, `rule ${id}: code must be UPPER_SNAKE_CASE`);
      }
      if (typeof message !== 'string' || !message)
        fail(r.get('message', true) ?? r, `rule ${id}: message missing`);
      const checkNode = r.get('check', true);
      if (checkNode === undefined) {
        fail(r, `rule ${id}: check (a CEL expression) missing`);
        continue;
      }
      const req = compile(checkNode, String(code), String(message));
      if (!req) before.ok = false;
      else require.push(req);
    }
  }

  const effects: EffectSpec[] = [];
  const effectsNode = item.get('effects', true);
  if (effectsNode !== undefined && !isSeq(effectsNode))
    fail(effectsNode, `rule ${id}: effects must be a list`);
  if (isSeq(effectsNode)) {
    for (const e of effectsNode.items) {
      const effect = compileEffect(e, (node, message) => fail(node, `rule ${id}: ${message}`));
      if (effect) effects.push(effect);
    }
  }
  if (!before.ok) return undefined;
  return { id, description, file, line, when, fallback, require, effects } satisfies Rule;
}

function compileEffect(node: unknown, fail: Problem): EffectSpec | undefined {
  // `- ship` or `- create: {of: outputs}`
  if (isScalar(node) && typeof node.value === 'string') {
    if (!Object.hasOwn(EFFECT_OPS, node.value)) {
      fail(node, `unknown effect ${node.value} (known: ${Object.keys(EFFECT_OPS).join(', ')})`);
      return undefined;
    }
    return { op: node.value as EffectOp, params: {} };
  }
  if (!isMap(node) || node.items.length !== 1) {
    fail(node as Node, 'an effect is a name, or a map of one name to its parameters');
    return undefined;
  }
  const pair = node.items[0];
  const name = isScalar(pair?.key) ? String(pair.key.value) : '';
  if (!Object.hasOwn(EFFECT_OPS, name)) {
    fail(pair?.key as Node, `unknown effect ${name} (known: ${Object.keys(EFFECT_OPS).join(', ')})`);
    return undefined;
  }
  const op = name as EffectOp;
  const params: Record<string, string> = {};
  const value = pair?.value;
  if (value !== null && value !== undefined && !(isScalar(value) && value.value === null)) {
    if (!isMap(value)) {
      fail(value as Node, `effect ${op}: parameters must be a map`);
      return undefined;
    }
    const allowed: readonly string[] = EFFECT_OPS[op];
    for (const p of value.items) {
      const key = isScalar(p.key) ? String(p.key.value) : '';
      if (!allowed.includes(key)) {
        fail(p.key as Node, `effect ${op}: unknown parameter ${key}`);
        return undefined;
      }
      if (!isScalar(p.value) || typeof p.value.value !== 'string') {
        fail((p.value ?? p.key) as Node, `effect ${op}: parameter ${key} must be a string`);
        return undefined;
      }
      params[key] = p.value.value;
    }
  }
  const invalid = invalidParams(op, params);
  if (invalid) {
    fail(value as Node, `effect ${op}: ${invalid}`);
    return undefined;
  }
  return { op, params };
}

function invalidParams(op: EffectOp, params: Record<string, string>): string | undefined {
  if (op === 'create' && params.of !== undefined && !['objects', 'outputs', 'parent'].includes(params.of)) {
    return 'of must be objects, outputs or parent';
  }
  if (op === 'create' && (params.minTemperature === undefined) !== (params.maxTemperature === undefined)) {
    return 'minTemperature and maxTemperature go together';
  }
  if (
    op === 'terminate' &&
    params.status !== undefined &&
    !['destroyed', 'consumed'].includes(params.status)
  ) {
    return 'status must be destroyed or consumed';
  }
  return undefined;
}

function checkKeys(map: YAMLMap, allowed: string[], fail: Problem): void {
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!allowed.includes(key)) fail(pair.key as Node, `unknown key ${key} (allowed: ${allowed.join(', ')})`);
  }
}

function stringList(node: unknown): string[] | undefined {
  if (isScalar(node) && typeof node.value === 'string') return [node.value];
  if (!isSeq(node)) return undefined;
  const out: string[] = [];
  for (const item of node.items) {
    if (!isScalar(item) || typeof item.value !== 'string') return undefined;
    out.push(item.value);
  }
  return out;
}
