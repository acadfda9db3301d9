/**
 * Custody contract engine: consortium rules as YAML + CEL (contracts/), evaluated
 * deterministically against each committed event. See docs/contracts.md.
 */
export { createEngine, type Effect, type Engine, RULE_ERROR, type Verdict } from './engine.js';
export { idKey } from './ids.js';
export {
  CEL_VARIABLES,
  checkRuleSet,
  compileRuleSet,
  EFFECT_OPS,
  type EffectOp,
  type EffectSpec,
  formatProblem,
  loadRuleSet,
  type Rule,
  type RuleSet,
  RuleSetError,
} from './rules.js';
export {
  type CustodyState,
  type EnumerableCustodyState,
  MemoryCustodyState,
  stateRoot,
} from './state.js';
export type {
  Alert,
  BalanceKey,
  EvalContext,
  Member,
  ObjectState,
  ObjectStatus,
  RuleProblem,
} from './types.js';
