import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode, type RateLimiter, WaybillError } from '../common/index.js';

/** Probes and scrapes are never limited: an orchestrator or Prometheus must always get through. */
const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);

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
