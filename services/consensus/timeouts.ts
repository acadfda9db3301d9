import type { ConsensusTimeouts, Step } from './types.js';

/**
 * Step timeouts grow linearly with the round, so after the network stabilises (GST) some round
 * has timeouts long enough for an honest proposer's proposal and the votes to arrive in time.
 */
export function stepTimeout(t: ConsensusTimeouts, step: Step, round: number): number {
  const base = step === 'propose' ? t.proposeMs : step === 'prevote' ? t.prevoteMs : t.precommitMs;
  return base + round * t.deltaMs;
}
