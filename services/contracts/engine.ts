import { applyEffects, type EffectInput, memberLocationOf } from './effects.js';
import {
  Directory,
  type EventRoles,
  eventRoles,
  objectView,
  quantityView,
  resolveParties,
} from './event-view.js';
import { bizStepWord, dispositionWord } from './ids.js';
import type { EffectSpec, Requirement, Rule, RuleSet } from './rules.js';
import type { CustodyState } from './state.js';
import type { EvalContext, Member } from './types.js';

/** An effect to apply, with the rule that asked for it. */
export interface Effect extends EffectSpec {
  rule: string;
}

export type Verdict =
  /** `roles`: the identifiers the event names, as the engine derived them; execution hands them on to the index. */
  | { accepted: true; effects: Effect[]; rules: string[]; roles: EventRoles }
  | { accepted: false; code: string; message: string; rule: string };

/** Reason code when a CEL expression fails at run time (e.g. a missing map key). */
export const RULE_ERROR = 'RULE_ERROR';

export interface Engine {
  /** Judges one event against the state. Pure: reads `state`, never writes it. */
  evaluate(event: Record<string, unknown>, ctx: EvalContext, state: CustodyState): Verdict;
  /** Applies an accepted verdict's effects to `state`. */
  apply(event: Record<string, unknown>, ctx: EvalContext, state: CustodyState, verdict: Verdict): void;
  /** evaluate, then apply when accepted. */
  process(event: Record<string, unknown>, ctx: EvalContext, state: CustodyState): Verdict;
}

const EMPTY_OBJECT = objectView('', undefined);

export function createEngine(ruleSet: RuleSet, members: readonly Member[]): Engine {
  const directory = new Directory(members);
  const ordinary = ruleSet.rules.filter((r) => !r.fallback);
  const fallbacks = ruleSet.rules.filter((r) => r.fallback);

  function prepare(event: Record<string, unknown>, ctx: EvalContext): EffectInput {
    return {
      event,
      ctx,
      roles: eventRoles(event),
      dest: resolveParties(event.destinationList, directory, 'destination'),
      source: resolveParties(event.sourceList, directory, 'source'),
      location: memberLocationOf(event, (id) => directory.locationOrg(id) !== undefined),
    };
  }

  function celContext(input: EffectInput, state: CustodyState): Record<string, unknown> {
    const { event, ctx, roles } = input;
    const views = new Map<string, Record<string, unknown>>();
    const view = (id: string) => {
      let v = views.get(id);
      if (!v) {
        v = objectView(id, state.getObject(id));
        views.set(id, v);
      }
      return v;
    };
    const member = directory.members.get(ctx.org);
    return {
      event,
      org: ctx.org,
      member: member
        ? { id: member.id, parties: member.parties, locations: member.locations }
        : { id: '', parties: [], locations: [] },
      step: bizStepWord(event.bizStep),
      disposition: dispositionWord(event.disposition),
      action: typeof event.action === 'string' ? event.action : '',
      block: { height: BigInt(Math.trunc(ctx.height)), timestamp: BigInt(Math.trunc(ctx.timestamp)) },
      objects: roles.objects.map(view),
      parent: roles.parent === undefined ? EMPTY_OBJECT : view(roles.parent),
      children: roles.children.map(view),
      inputs: roles.inputs.map(view),
      outputs: roles.outputs.map(view),
      contents: contentsOf(roles.objects, state).map(view),
      quantities: roles.quantities.map((q) => quantityView(q, ctx.org, state)),
      outputQuantities: roles.outputQuantities.map((q) => quantityView(q, ctx.org, state)),
      dest: {
        given: input.dest.given,
        org: input.dest.org,
        owner: input.dest.owner,
        member: input.dest.member,
      },
      source: {
        given: input.source.given,
        org: input.source.org,
        owner: input.source.owner,
        member: input.source.member,
      },
    };
  }

  const holds = (req: Requirement, context: Record<string, unknown>): boolean | 'error' => {
    try {
      return req.program(context) === true;
    } catch {
      return 'error';
    }
  };

  function matches(
    rule: Rule,
    event: Record<string, unknown>,
    context: Record<string, unknown>,
  ): boolean | 'error' {
    const { when } = rule;
    if (when.type && !when.type.includes(String(event.type))) return false;
    if (when.action && !when.action.includes(context.action as string)) return false;
    if (when.bizStep && !when.bizStep.includes(context.step as string)) return false;
    if (when.disposition && !when.disposition.includes(context.disposition as string)) return false;
    return when.if ? holds(when.if, context) : true;
  }

  function judge(input: EffectInput, state: CustodyState): Verdict {
    const context = celContext(input, state);
    const judgeRules = (rules: Rule[]): Verdict | undefined => {
      const effects: Effect[] = [];
      const applied: string[] = [];
      for (const rule of rules) {
        const m = matches(rule, input.event, context);
        if (m === 'error') return ruleError(rule, 'when.if');
        if (!m) continue;
        for (const req of rule.require) {
          const ok = holds(req, context);
          if (ok === 'error') return ruleError(rule, req.source);
          if (!ok) return { accepted: false, code: req.code, message: req.message, rule: rule.id };
        }
        applied.push(rule.id);
        for (const e of rule.effects) effects.push({ ...e, rule: rule.id });
      }
      return applied.length > 0 ? { accepted: true, effects, rules: applied, roles: input.roles } : undefined;
    };
    return (
      judgeRules(ordinary) ??
      judgeRules(fallbacks) ?? { accepted: true, effects: [], rules: [], roles: input.roles }
    );
  }

  return {
    evaluate: (event, ctx, state) => judge(prepare(event, ctx), state),
    apply(event, ctx, state, verdict) {
      if (verdict.accepted) applyEffects(verdict.effects, prepare(event, ctx), state);
    },
    process(event, ctx, state) {
      const input = prepare(event, ctx);
      const verdict = judge(input, state);
      if (verdict.accepted) applyEffects(verdict.effects, input, state);
      return verdict;
    },
  };
}

function ruleError(rule: Rule, where: string): Verdict {
  return {
    accepted: false,
    code: RULE_ERROR,
    message: `rule ${rule.id} could not be evaluated (${where.split('\n')[0]})`,
    rule: rule.id,
  };
}

/** Everything packed, transitively, inside the named objects (not the objects themselves). */
export function contentsOf(ids: readonly string[], state: Pick<CustodyState, 'getObject'>): string[] {
  const named = new Set(ids);
  const seen = new Set<string>();
  const out: string[] = [];
  const stack: string[] = [];
  for (const id of ids) stack.push(...[...(state.getObject(id)?.children ?? [])].reverse());
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id) || named.has(id)) continue;
    seen.add(id);
    out.push(id);
    stack.push(...[...(state.getObject(id)?.children ?? [])].reverse());
  }
  return out;
}
