import type { RuleProblem } from './types.js';

/** Names of the effect vocabulary; their meaning is implemented in effects.ts. */
export const EFFECT_OPS = {
  create: ['of', 'minTemperature', 'maxTemperature'],
  ship: [],
  receive: [],
  pack: [],
  unpack: [],
  consume: [],
  terminate: ['status', 'flag'],
  recall: [],
  sensor: [],
  observe: [],
} as const satisfies Record<string, readonly string[]>;
export type EffectOp = keyof typeof EFFECT_OPS;

export interface EffectSpec {
  op: EffectOp;
  params: Record<string, string>;
}

/** A compiled CEL expression. */
export type CelProgram = (context: Record<string, unknown>) => unknown;

export interface Requirement {
  source: string;
  program: CelProgram;
  code: string;
  message: string;
}

export interface Rule {
  id: string;
  description: string;
  file: string;
  line: number;
  when: {
    type?: string[];
    action?: string[];
    bizStep?: string[];
    disposition?: string[];
    if?: Requirement;
  };
  /** A fallback rule applies only when no ordinary rule matched the event. */
  fallback: boolean;
  require: Requirement[];
  effects: EffectSpec[];
}

export interface RuleSet {
  rules: Rule[];
  /** Rule file names, in load order. */
  files: string[];
  /** ruleSetHash of the files it was compiled from. */
  hash: string;
}

export class RuleSetError extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super(`invalid rule set:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'RuleSetError';
  }
}

/**
 * The variables every CEL expression may use. Numbers from the event JSON and quantities are CEL
 * doubles; block height and timestamp are CEL ints.
 */
export const CEL_VARIABLES: Record<string, string> = {
  event: 'map',
  org: 'string',
  member: 'map',
  step: 'string',
  disposition: 'string',
  action: 'string',
  block: 'map',
  objects: 'list<map>',
  parent: 'map',
  children: 'list<map>',
  inputs: 'list<map>',
  outputs: 'list<map>',
  contents: 'list<map>',
  quantities: 'list<map>',
  outputQuantities: 'list<map>',
  dest: 'map',
  source: 'map',
};

/** `file:line: message`, as `waybill contracts check` prints a problem. */
export function formatProblem(problem: RuleProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}
