import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import {
  ErrorCode,
  type Logger,
  type RateLimit,
  RateLimiter,
  REDACT_PATHS,
  WaybillError,
} from '../common/index.js';
import { DEFAULT_RATE_LIMIT } from '../config/index.js';
import { MAX_URI_LENGTH } from '../epcis/index.js';
import { createAuth } from './auth.js';
import { DEFAULT_TIMEOUTS, hardenHttp, type ServerTimeouts, serverOptions } from './http-server.js';
import { boundedJsonParser } from './json-body.js';
import { checkPathIdentifiers } from './path-params.js';
import { handleError, registerProblemHandlers } from './problem.js';
import { AJV_CUSTOM_OPTIONS, refuseUndeclaredQueries } from './query.js';
import { limitRate } from './rate-limit.js';
import { observedFrameworkErrors, observeRequests } from './request-metrics.js';
import { adminRoutes } from './routes/admin.js';
import { auditRoutes } from './routes/audit.js';
import { captureRoutes } from './routes/capture.js';
import { consoleRoutes, signInOrigins } from './routes/console.js';
import { discoveryRoutes, gs1Headers, optionsEverywhere } from './routes/discovery.js';
import { docsRoutes } from './routes/docs.js';
import { eventRoutes } from './routes/events.js';
import { evidenceRoutes } from './routes/evidence.js';
import { genesisRoutes } from './routes/genesis.js';
import { governanceRoutes } from './routes/governance.js';
import { namedQueryRoutes } from './routes/named-queries.js';
import { objectRoutes } from './routes/objects.js';
import { opsRoutes } from './routes/ops.js';
import { proofRoutes } from './routes/proofs.js';
import { queryRoutes } from './routes/query.js';
import { signInRoutes } from './routes/sign-in.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { traceRoutes } from './routes/trace.js';
import { finiteNumbersKeyword } from './spec-schema.js';
import type { ApiDeps } from './types.js';
import { acceptEpcisXml } from './xml-body.js';

export interface BuildApiOptions {
  /** A pino logger to log under, true for Fastify's own, false or absent for none. */
  logger?: Logger | boolean;
  /** Slow-client timeouts; DEFAULT_TIMEOUTS for what is not given. */
  timeouts?: Partial<ServerTimeouts>;
  /** Per-client request rate (node.json api.rateLimit); DEFAULT_RATE_LIMIT when absent. */
  rateLimit?: RateLimit;
  /** Milliseconds on a monotonic clock, for the rate limiter; tests pass their own. */
  clock?: () => number;
}

/** eventIDs are arbitrary URIs; a sha-512 ni:/// event hash alone outgrows find-my-way's default of 100. */
const MAX_PARAM_LENGTH = MAX_URI_LENGTH;

const REDACT = { paths: [...REDACT_PATHS, 'req.headers.cookie'], censor: '[redacted]' };

/** Request headers help debugging (content type, length, GS1 headers); redaction keeps tokens out. */
const serializers = {
  req: (req: FastifyRequest) => ({
    method: req.method,
    url: req.url,
    headers: req.headers,
    remoteAddress: req.ip,
  }),
};

function loggerOptions(
  logger: Logger | boolean | undefined,
): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (!logger) return { logger: false };
  if (logger === true) return { logger: { level: 'info', redact: REDACT, serializers } };
  return { loggerInstance: logger.child({ component: 'api' }, { redact: REDACT, serializers }) };
}

/** The node's HTTP API, ready to `listen`. */
export function buildApi(deps: ApiDeps, opts: BuildApiOptions = {}): FastifyInstance {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const app = Fastify({
    ...serverOptions(timeouts),
    ...loggerOptions(opts.logger),
    bodyLimit: deps.bodyLimit,
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: observedFrameworkErrors(deps, handleError),
    ajv: { customOptions: AJV_CUSTOM_OPTIONS, plugins: [finiteNumbersKeyword] },
    // Fastify's own 503 while closing is plain JSON; refuseWhileClosing answers with a problem.
    return503OnClosing: false,
  });
  acceptJsonOnly(app);
  registerProblemHandlers(app);
  hardenHttp(app, timeouts);
  refuseWhileClosing(app);
  limitRate(app, new RateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT, opts.clock));
  refuseWritesWhenDiskFull(app, deps);
  observeRequests(app, deps);
  refuseUndeclaredQueries(app);
  checkPathIdentifiers(app);
  gs1Headers(app);
  optionsEverywhere(app);
  const auth = createAuth(app, deps);
  captureRoutes(app, deps, auth);
  eventRoutes(app, deps, auth);
  evidenceRoutes(app, deps, auth);
  objectRoutes(app, deps, auth);
  governanceRoutes(app, deps, auth);
  proofRoutes(app, deps, auth);
  queryRoutes(app, deps, auth);
  namedQueryRoutes(app, deps, auth);
  subscriptionRoutes(app, deps, auth);
  traceRoutes(app, deps, auth);
  auditRoutes(app, deps, auth);
  discoveryRoutes(app, deps, auth);
  opsRoutes(app, deps);
  adminRoutes(app, deps, auth);
  genesisRoutes(app, deps);
  signInRoutes(app, deps);
  consoleRoutes(app, { connectOrigins: signInOrigins(deps.identityProviders) });
  docsRoutes(app);
  return app;
}

/**
 * Requests that still arrive on an open keep-alive connection while the node stops get a 503
 * problem with Retry-After: the client retries, here after the restart or at another node.
 */
function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) {
      throw new WaybillError(ErrorCode.ShuttingDown, 'this node is shutting down; retry shortly', {
        retryAfterSeconds: 5,
      });
    }
  });
}

/**
 * While the data directory's disk is full every write (any method but GET, HEAD, OPTIONS) gets
 * 507 INSUFFICIENT_STORAGE before its body is read; reads go on (node/disk-guard.ts).
 */
function refuseWritesWhenDiskFull(app: FastifyInstance, deps: ApiDeps): void {
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS') {
      deps.node.checkWritable();
    }
  });
}

/**
 * EPCIS 2.0 documents are JSON-LD, or EPCIS XML on POST /capture; every other body type,
 * text/plain included, gets a 415.
 */
function acceptJsonOnly(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/ld+json'],
    { parseAs: 'string' },
    boundedJsonParser(app),
  );
  acceptEpcisXml(app);
}
