import type { TimerKind } from './types.js';

/** The work a round waits for, as the driver measures it with its own clock. */
export type PacedWork = 'build' | 'validate' | 'apply';

export interface PacingOptions {
  /** How many recent measurements of each kind count: the estimate is their maximum. */
  window: number;
  /** Each step's timer gets this many times the estimated work it waits for. */
  factor: number;
  /** Never more than this on top of a step's timeout, whatever was measured. */
  maxExtraMs: number;
}

export const DEFAULT_PACING: PacingOptions = { window: 16, factor: 2, maxExtraMs: 30_000 };

/**
 * Adaptive round timeouts, a local policy of the driver (docs/consensus.md, "Timeouts"). The core's
 * timeouts (genesis) suit small blocks on idle machines; a large block under load takes longer to
 * apply, build and validate than a propose timeout, and then every round fails although nobody is
 * faulty. So the driver measures that work and lengthens each step's timer by what it waits for:
 *
 * - propose: the proposer must finish applying the previous block, build its block, and this node
 *   must validate it: `factor × (apply + build + validate)`;
 * - prevote and precommit: the slower members are still validating the proposal before they vote:
 *   `factor × validate`;
 * - resend: a re-sent proposal or vote while the others still validate the first copy is wasted
 *   work on both sides, so the retransmission tick waits for that too: `factor × validate`.
 *
 * An estimate is the largest of the last `window` measurements: it grows at once with the blocks
 * and forgets a spike after `window` more. Timeouts are never cancelled and only ever longer than
 * the core asked for, so safety is untouched and liveness only waits longer (capped by
 * `maxExtraMs`). The pacer reads no clock itself: durations come in from the driver, so under the
 * simulator's virtual clock, where work takes no time, it adds nothing and runs stay deterministic.
 */
export class RoundPacer {
  private readonly samples: Record<PacedWork, number[]> = { build: [], validate: [], apply: [] };

  constructor(private readonly opts: PacingOptions = DEFAULT_PACING) {}

  observe(kind: PacedWork, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const list = this.samples[kind];
    list.push(ms);
    if (list.length > this.opts.window) list.shift();
  }

  /** The current estimate of one kind of work, ms. */
  estimate(kind: PacedWork): number {
    let max = 0;
    for (const ms of this.samples[kind]) if (ms > max) max = ms;
    return max;
  }

  /** What to add to the core's timeout for `step`, ms. */
  extraMs(step: TimerKind): number {
    let work = 0;
    if (step === 'propose')
      work = this.estimate('apply') + this.estimate('build') + this.estimate('validate');
    else if (step === 'prevote' || step === 'precommit' || step === 'resend')
      work = this.estimate('validate');
    return Math.min(this.opts.maxExtraMs, Math.ceil(this.opts.factor * work));
  }
}
