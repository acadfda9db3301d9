/**
 * Custody contract engine: consortium rules as YAML + CEL (contracts/), evaluated
 * deterministically against each committed event. See docs/contracts.md.
 */
export { contentsOf, createEngine, type Effect, type Engine, RULE_ERROR, type Verdict } from './engine.js';
export { Directory, type EventRoles, eventRoles, type Parties, resolveParties } from './event-view.js';
export { bizStepWord, dispositionWord, idKey, sdtWord } from './ids.js';
export {
  checkRuleSet,
  compileRuleFiles,
  compileRuleSet,
  loadRuleFiles,
  loadRuleSet,
  type RuleFile,
  readRuleFiles,
  ruleSetHash,
} from './rule-files.js';
export {
  CEL_VARIABLES,
  EFFECT_OPS,
  type EffectOp,
  type EffectSpec,
  formatProblem,
  type Rule,
  type RuleSet,
  RuleSetError,
} from './rules.js';
export {
  balanceId,
  type CustodyChanges,
  type CustodyState,
  type EnumerableCustodyState,
  MemoryCustodyState,
  parseBalanceId,
  stateRoot,
} from './state.js';
export {
  bucketHash,
  bucketOf,
  compareKeyHash,
  EMPTY_STATE_ROOT,
  leafOf,
  presentLeaf,
  STATE_TREE_DEPTH,
  type StateEntry,
  type StateLeaf,
  StateTree,
  stateKey,
} from './state-tree.js';
export type {
  Alert,
  BalanceKey,
  EvalContext,
  Member,
  ObjectState,
  ObjectStatus,
  RuleProblem,
} from './types.js';
