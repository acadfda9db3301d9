import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import { type AuthHooks, principalOf } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import { emptyBody } from '../problem.js';
import { specSchema } from '../spec-schema.js';
import type { ApiDeps } from '../types.js';
import { presentJob } from './capture-job.js';
import { discoveryHeaders } from './discovery.js';

/** Fastify lower-cases header names. */
export const ERROR_BEHAVIOUR_HEADER = 'gs1-capture-error-behaviour';
export const ERROR_BEHAVIOURS = [
  'rollback',
  'proceed',
] as const satisfies readonly Schemas['CaptureErrorBehaviour'][];

type CaptureHeaders = { [ERROR_BEHAVIOUR_HEADER]: Schemas['CaptureErrorBehaviour'] };
type CaptureQuery = { dryRun: boolean };
type JobParams = Operations['getCaptureJob']['parameters']['path'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * GS1's capture interface takes an EPCISQueryDocument too (another repository's query result):
 * its events are captured as the EPCISDocument they would have been, header and context kept.
 * Anything else goes to validation as it came.
 */
export function asCaptureDocument(body: unknown): unknown {
  if (!isObject(body) || body.type !== 'EPCISQueryDocument') return body;
  const { epcisBody, ...rest } = body;
  const results = isObject(epcisBody) && isObject(epcisBody.queryResults) ? epcisBody.queryResults : {};
  const eventList = isObject(results.resultsBody) ? results.resultsBody.eventList : undefined;
  return { ...rest, type: 'EPCISDocument', epcisBody: { eventList } };
}

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
      const document = asCaptureDocument(request.body);
      if (request.query.dryRun) return deps.capture.dryRun(document, ctx);
      const { captureID } = await deps.capture.submit(document, ctx);
      void reply.code(202).header('location', `/capture/${encodeURIComponent(captureID)}`);
      return { captureID };
    },
  );

  app.get<{ Params: JobParams }>(
    '/capture/:captureID',
    { onRequest: auth.read },
    async (request): Promise<Schemas['CaptureJob']> => {
      const job = deps.capture.job(request.params.captureID, principalOf(request).org);
      // Another org's capture is answered exactly as an unknown one.
      if (!job) throw new WaybillError(ErrorCode.NotFound, 'no capture with this captureID');
      return presentJob(job);
    },
  );

  app.options('/capture', async (_request, reply) => {
    void discoveryHeaders(reply, 'OPTIONS, GET, POST')
      // Both behaviours, as GS1's header announces it for a server.
      .header('gs1-capture-error-behaviour', 'all')
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
    const { eventID } = outcome.status;
    void reply.code(201).header('location', `/events/${encodeURIComponent(eventID)}`);
    // GS1 answers 201 with the event as captured (with its eventID); the ledger status is at /status.
    return deps.events.get(eventID) ?? outcome.status;
  });
}
