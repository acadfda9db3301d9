import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import type { Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';

/** Probes and status for orchestrators and operators: no token, nothing secret. */
export function opsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', async (): Promise<Schemas['Health']> => ({ status: 'ok' }));

  app.get('/readyz', async (): Promise<Schemas['Readiness']> => {
    if (!deps.node.ready()) {
      throw new WaybillError(ErrorCode.NotReady, 'the node is syncing or connected to fewer than 2f peers');
    }
    return { ready: true };
  });

  app.get('/status', async (): Promise<Schemas['NodeStatus']> => deps.node.status());

  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await deps.node.metrics();
    return reply.type(contentType).send(body);
  });
}
