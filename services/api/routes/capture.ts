import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import { type AuthHooks, principalOf } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import { emptyBody } from '../problem.js';
import { specSchema } from '../spec-schema.js';
import type { ApiDeps } from '../types.js';

/** Fastify lower-cases header names. */
export const ERROR_BEHAVIOUR_HEADER = 'gs1-capture-error-behaviour';
export const ERROR_BEHAVIOURS = [
  'rollback',
  'proceed',
] as const satisfies readonly Schemas['CaptureErrorBehaviour'][];

type CaptureHeaders = { [ERROR_BEHAVIOUR_HEADER]: Schemas['CaptureErrorBehaviour'] };
type CaptureQuery = { dryRun: boolean };
type JobParams = Operations['getCaptureJob']['parameters']['path'];

export function captureRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.post<{ Headers: CaptureHeaders; Querystring: CaptureQuery }>(
    '/capture',
    // Headers and query from api/openapi.yaml; the EPCISDocument body is services/epcis' to check.
    { onRequest: auth.write, schema: specSchema('captureDocument', { body: false }) },
    async (request, reply): Promise<Schemas['CaptureAccepted'] | Schemas['DryRunResult']> => {
      // No content type and no body never reaches a parser, so it is caught here.
      if (request.body === undefined) throw emptyBody();
      const ctx = {
        submitter: principalOf(request).sub,
        errorBehaviour: request.headers[ERROR_BEHAVIOUR_HEADER],
      };
      if (request.query.dryRun) return deps.capture.dryRun(request.body, ctx);
      const { captureID } = await deps.capture.submit(request.body, ctx);
      void reply.code(202).header('location', `/capture/${encodeURIComponent(captureID)}`);
      return { captureID };
    },
  );

  app.get<{ Params: JobParams }>(
    '/capture/:captureID',
    { onRequest: auth.read },
    async (request): Promise<Schemas['CaptureJob']> => {
      const job = deps.capture.job(request.params.captureID);
      if (!job) throw new WaybillError(ErrorCode.NotFound, `no capture '${request.params.captureID}'`);
      return job;
    },
  );

  app.options('/capture', async (_request, reply) => {
    void reply
      .code(204)
      .header('allow', 'OPTIONS, GET, POST')
      .header('gs1-epcis-capture-limit', String(deps.captureLimit))
      .header('gs1-epcis-capture-file-size-limit', String(deps.bodyLimit));
  });

  app.post('/events', { onRequest: auth.write }, async (request, reply) => {
    if (request.body === undefined) throw emptyBody();
    const outcome = await deps.events.capture(request.body, {
      submitter: principalOf(request).sub,
      errorBehaviour: 'rollback',
    });
    if (outcome.kind === 'pending') {
      void reply.code(202).header('location', `/capture/${encodeURIComponent(outcome.captureID)}`);
      return { captureID: outcome.captureID };
    }
    void reply.code(201).header('location', `/events/${encodeURIComponent(outcome.status.eventID)}`);
    return outcome.status;
  });
}
