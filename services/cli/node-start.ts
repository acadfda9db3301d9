import closeWithGrace from 'close-with-grace';
import { createLogger } from '../common/index.js';
import { configPathOf, faultInjectionEnabled, loadNodeConfig, withEnvironment } from '../config/index.js';
import { startNode, type WaybillNode } from '../node/index.js';
import { isStrayStreamError } from '../p2p/index.js';
import { flags } from './args.js';

/**
 * How long SIGTERM/SIGINT may take before the process exits 1 regardless. Stopping first closes
 * the API, which waits for requests in flight (POST /events holds one up to 5 s for its block),
 * then P2P, whose libp2p stop took 5 s in tests with members down; both fit, under Kubernetes' default 30 s.
 */
const SHUTDOWN_GRACE_MS = 20_000;

export async function runNodeStart(args: string[]): Promise<number> {
  const f = flags(args, { config: { type: 'string' } });
  const config = withEnvironment(loadNodeConfig(configPathOf(f.config)));
  const logger = createLogger(config.logLevel, { org: config.org });
  let node: WaybillNode | undefined;
  let halting = false;
  /** Stops the node after an error it cannot go on from, and exits 1 (within the grace period). */
  const halt = (err: unknown, message: string) => {
    logger.fatal({ err }, message);
    if (halting) return;
    halting = true;
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    void (node?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  };
  node = await startNode(config, { logger, onFatal: (err) => halt(err, 'node halted') });
  // Errors nothing caught stop the node, except libp2p's writes on streams whose connection has
  // closed, thrown from inside its muxer (p2p/stray-errors.ts): one of those stopped a restarted
  // node whose peer dropped a duplicate connection.
  const uncaught = (err: unknown) => {
    if (isStrayStreamError(err)) {
      logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'p2p: a write on a closed stream, ignored',
      );
      return;
    }
    halt(err, 'stopping after an error');
  };
  process.on('uncaughtException', uncaught);
  process.on('unhandledRejection', uncaught);
  const running = node;
  const faultInjection = faultInjectionEnabled();
  if (faultInjection) {
    // Test-only fault injection: each SIGUSR2 cuts the node off from every member, or reconnects it.
    let isolated = false;
    process.on('SIGUSR2', () => {
      isolated = !isolated;
      logger.warn(
        { isolated },
        isolated ? 'fault injection: p2p isolated' : 'fault injection: p2p reconnecting',
      );
      running.p2p.isolate(isolated);
    });
    logger.warn('fault injection enabled: SIGUSR2 toggles p2p isolation');
  }
  const done = new Promise<number>((resolve) => {
    // SIGUSR2 stops the node like SIGTERM, unless fault injection has taken it over.
    closeWithGrace(
      {
        delay: SHUTDOWN_GRACE_MS,
        // Errors are `uncaught`'s above; signals and the end of the process are handled here.
        skip: ['uncaughtException', 'unhandledRejection', ...(faultInjection ? (['SIGUSR2'] as const) : [])],
      },
      async ({ signal }) => {
        logger.info({ signal }, 'stopping');
        await running.stop();
        resolve(0);
      },
    );
  });
  return done;
}
