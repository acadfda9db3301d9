import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';

/**
 * The auditor console's policy: its own scripts, styles, worker and API calls only. No inline
 * script, no other host, not framable. (React sets styles through the CSSOM, which style-src allows.)
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

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
export function consoleRoutes(app: FastifyInstance, root: string | undefined = consoleDir()): void {
  app.get('/console', async (_request, reply) => reply.redirect('/console/', 308));
  if (!root) {
    app.get('/console/*', async () => {
      throw new WaybillError(ErrorCode.NotFound, 'the console is not built on this node (npm run build)');
    });
    return;
  }
  void app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', CONSOLE_CSP);
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
