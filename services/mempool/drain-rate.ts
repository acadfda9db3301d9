/** Samples at least this far apart, and this many kept: the rate is over the last ~10 s. */
const SAMPLE_MS = 1_000;
const SAMPLES = 10;

/**
 * How fast the backlog drains (execution cost committed per second), from the mempool's running
 * total of removed cost sampled at the clock readings it is handed: the mempool itself reads no
 * clock. It turns a refused capture's excess into a Retry-After that says when there will be
 * room, rather than a fixed second that has every client retry into a full mempool.
 */
export class DrainRate {
  private readonly samples: Array<{ at: number; drained: number }> = [];

  /** Notes the total drained so far at clock reading `at`. */
  sample(at: number, drained: number): void {
    const last = this.samples.at(-1);
    if (last && at - last.at < SAMPLE_MS) return;
    this.samples.push({ at, drained });
    if (this.samples.length > SAMPLES) this.samples.shift();
  }

  /** Cost per second over the samples kept; undefined until two samples span a second. */
  perSecond(at: number, drained: number): number | undefined {
    const first = this.samples[0];
    if (!first || at - first.at < SAMPLE_MS) return undefined;
    return ((drained - first.drained) * 1000) / (at - first.at);
  }

  /** Seconds until `excess` more cost has drained at the current rate: 1 to `max`. */
  secondsFor(excess: number, at: number, drained: number, max = 30): number {
    const rate = this.perSecond(at, drained);
    if (rate === undefined) return 1;
    if (rate <= 0) return max; // nothing commits: do not have clients hammer a stalled node
    return Math.min(max, Math.max(1, Math.ceil(excess / rate)));
  }
}
