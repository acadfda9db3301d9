/** Requests a second each client (an API client, a peer) may make on average, and its burst. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Past this many clients, buckets that have refilled (idle clients) are dropped: memory stays bounded. */
const MAX_CLIENTS = 50_000;

interface Bucket {
  tokens: number;
  /** Clock reading (ms) when `tokens` was last brought up to date. */
  at: number;
}

/**
 * A token bucket per client. Written here rather than taking @fastify/rate-limit: that plugin
 * counts in fixed windows, so a client may send twice its limit across a window boundary and a
 * burst above the steady rate cannot be expressed; a bucket gives both in a dozen lines.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one request from `key`'s bucket; 0 when allowed, else the seconds until one is. */
  take(key: string): number {
    const wait = this.waitFor(key);
    if (wait === 0) this.bucket(key).tokens -= 1;
    return wait;
  }

  /** 0 when `key` may make a request now, else the seconds until it may; takes nothing. */
  waitFor(key: string): number {
    // A client never counted has a full bucket: looking does not allocate one.
    if (!this.buckets.has(key)) return 0;
    const bucket = this.bucket(key);
    return bucket.tokens >= 1 ? 0 : (1 - bucket.tokens) / this.limit.perSecond;
  }

  /** `key`'s bucket, refilled up to now. */
  private bucket(key: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? this.fresh(key, now);
    bucket.tokens = Math.min(
      this.limit.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond,
    );
    bucket.at = now;
    return bucket;
  }

  private fresh(key: string, now: number): Bucket {
    if (this.buckets.size >= MAX_CLIENTS) this.dropIdle(now);
    const bucket = { tokens: this.limit.burst, at: now };
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** A bucket that would be full again carries no state: forgetting it changes nothing. */
  private dropIdle(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.limit.perSecond >= this.limit.burst)
        this.buckets.delete(key);
    }
  }
}
