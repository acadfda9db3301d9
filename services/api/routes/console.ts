import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import type { IdentityProvider } from '../../config/index.js';

/**
 * The auditor console's policy: its own scripts, styles, worker and API calls only. No inline
 * script, not framable. (React sets styles through the CSSOM, which style-src allows.) The only
 * other hosts it may reach are the identity providers node.json offers sign-in with
 * (auth.jwks[].signIn): their discovery document and token endpoint, from the browser; the
 * redirect to their login page is a navigation, which CSP does not govern.
 */
export function consoleCsp(connectOrigins: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    ['connect-src', "'self'", ...connectOrigins].join(' '),
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The origins of the IdPs the console signs in with (config/auth-config.ts checked them: https or loopback). */
export function signInOrigins(idps: readonly IdentityProvider[]): string[] {
  return [...new Set(idps.flatMap((idp) => idp.signIn?.origins ?? []))];
}

/** dist/console (vite build of console/), found from the source tree (tests) or from dist/. */
export function consoleDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'console');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}

/** The console's built files at /console/, without a token (the app asks for one), under a strict CSP. */
export function consoleRoutes(
  app: FastifyInstance,
  {
    root = consoleDir(),
    connectOrigins = [],
  }: { root?: string | undefined; connectOrigins?: readonly string[] } = {},
): void {
  const csp = consoleCsp(connectOrigins);
  app.get('/console', async (_request, reply) => reply.redirect('/console/', 308));
  if (!root) {
    app.get('/console/*', async () => {
      throw new WaybillError(ErrorCode.NotFound, 'the console is not built on this node (npm run build)');
    });
    return;
  }
  void app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', csp);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cross-origin-opener-policy', 'same-origin');
      reply.header('cross-origin-resource-policy', 'same-origin');
      return payload;
    });
    await scope.register(fastifyStatic, {
      root,
      prefix: '/console/',
      decorateReply: false,
      index: ['index.html'],
      // Hashed asset names change with their content; index.html must be fetched again.
      setHeaders: (res, path) => {
        res.header(
          'cache-control',
          path.includes(`${join('console', 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  });
}
