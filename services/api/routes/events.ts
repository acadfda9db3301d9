import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import type { AuthHooks } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';
import { queryDocument, sendQueryDocument } from './query-support.js';

// eventIDs are URIs (ni:///sha-256;…?ver=CBV2.0): clients percent-encode them as one path segment and
// the router decodes the parameter, so the handlers see the eventID exactly as captured.
type EventParams = Operations['getEvent']['parameters']['path'];

function notFound(eventID: string): WaybillError {
  return new WaybillError(ErrorCode.NotFound, `no committed event '${eventID}'`);
}

export function eventRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.get<{ Params: EventParams }>('/events/:eventID', { onRequest: auth.read }, async (request, reply) => {
    const event = deps.events.get(request.params.eventID);
    if (!event) throw notFound(request.params.eventID);
    // The EPCIS 2.0 REST binding answers an EPCISQueryDocument enclosing the event.
    return sendQueryDocument(request, reply, queryDocument('SimpleEventQuery', [event]), deps);
  });

  app.get<{ Params: EventParams }>(
    '/events/:eventID/status',
    { onRequest: auth.read },
    async (request): Promise<Schemas['EventStatus']> => {
      const status = deps.events.status(request.params.eventID);
      if (!status) throw new WaybillError(ErrorCode.NotFound, `no event '${request.params.eventID}'`);
      return status;
    },
  );
}
