import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode, WaybillError } from '../common/index.js';

/** node.json `api.rateLimit`: requests a second each client may make on average, and its burst. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Probes and scrapes are never limited: an orchestrator or Prometheus must always get through. */
const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);

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

declare module 'fastify' {
  interface FastifyRequest {
    /** Whether this request has been counted against its client's rate limit. */
    rateCounted: boolean;
  }
}

/**
 * 429 RATE_LIMITED with Retry-After past a client's limit. A client is its token (org and sub)
 * when it sends one, else its remote address. Requests without a token are counted as they
 * arrive; those with one after the route's auth hook has verified it (preParsing runs after every
 * onRequest hook and before the body is read), so a client cannot pick its bucket by forging a sub.
 */
const addressKey = (request: FastifyRequest) => JSON.stringify(['address', request.ip]);
/** Apart from addressKey: anonymous traffic from a shared address does not hold up valid tokens. */
const failedKey = (request: FastifyRequest) => JSON.stringify(['failed token', request.ip]);

export function limitRate(app: FastifyInstance, limiter: RateLimiter): void {
  app.decorateRequest('rateCounted', false);
  const refuse = (wait: number) => {
    if (wait > 0) {
      throw new WaybillError(
        ErrorCode.RateLimited,
        `this client sent more requests than this node's rate limit allows; retry in ${Math.ceil(wait)} s`,
        { retryAfterSeconds: Math.ceil(wait) },
      );
    }
  };
  const count = (request: FastifyRequest, key: string) => {
    request.rateCounted = true;
    refuse(limiter.take(key));
  };
  const exempt = (request: FastifyRequest) => EXEMPT.has(request.routeOptions.url ?? '');
  app.addHook('onRequest', async (request) => {
    if (exempt(request)) return;
    if (request.headers.authorization === undefined) count(request, addressKey(request));
    // Tokens that fail verification are counted against the address they come from (onResponse):
    // past its limit, that address's token requests are refused before a signature is checked.
    else refuse(limiter.waitFor(failedKey(request)));
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!request.rateCounted && reply.statusCode === 401) limiter.take(failedKey(request));
  });
  app.addHook('preParsing', async (request) => {
    if (exempt(request) || request.rateCounted) return;
    const p = request.principal;
    count(request, p ? JSON.stringify(['client', p.org, p.sub]) : addressKey(request));
  });
}
