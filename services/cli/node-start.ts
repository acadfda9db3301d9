import closeWithGrace from 'close-with-grace';
import { createLogger } from '../common/index.js';
import { configPathOf, faultInjectionEnabled, loadNodeConfig, withEnvironment } from '../config/index.js';
import { startNode } from '../node/index.js';
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
  const node = await startNode(config, {
    logger,
    onFatal: (err) => {
      logger.fatal({ err }, 'node halted');
      void node.stop().finally(() => process.exit(1));
    },
  });
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
      node.p2p.isolate(isolated);
    });
    logger.warn('fault injection enabled: SIGUSR2 toggles p2p isolation');
  }
  const done = new Promise<number>((resolve) => {
    // SIGUSR2 stops the node like SIGTERM, unless fault injection has taken it over.
    closeWithGrace(
      { delay: SHUTDOWN_GRACE_MS, skip: faultInjection ? ['SIGUSR2'] : [] },
      async ({ signal, err }) => {
        if (err) logger.error({ err }, 'stopping after an error');
        else logger.info({ signal }, 'stopping');
        await node.stop();
        resolve(err ? 1 : 0);
      },
    );
  });
  return done;
}
