import type { FastifyInstance } from 'fastify';
import { type AuthHooks, principalOf } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';
import { queryDocument, sendQueryDocument } from './query-support.js';
import { eventAccess, noEvent } from './visible.js';

// eventIDs are URIs (ni:///sha-256;…?ver=CBV2.0): clients percent-encode them as one path segment and
// the router decodes the parameter, so the handlers see the eventID exactly as captured.
type EventParams = Operations['getEvent']['parameters']['path'];

const NO_EVENT = 'no committed event with this eventID';
const NO_STATUS = 'no event with this eventID';

export function eventRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.get<{ Params: EventParams }>('/events/:eventID', { onRequest: auth.read }, async (request, reply) => {
    const { eventID } = request.params;
    const access = eventAccess(deps, principalOf(request).org, eventID);
    // `public` (lineage) access is served the public view: in a sealed network without the sealed
    // fields even at a node that holds them; in an open network the event as captured.
    const event =
      access === 'none' ? undefined : deps.events.get(eventID, access === 'full' ? 'whole' : 'public');
    if (!event) throw noEvent(NO_EVENT);
    // The EPCIS 2.0 REST binding answers an EPCISQueryDocument enclosing the event.
    return sendQueryDocument(request, reply, queryDocument('SimpleEventQuery', [event]), deps);
  });

  app.get<{ Params: EventParams }>(
    '/events/:eventID/status',
    { onRequest: auth.read },
    async (request): Promise<Schemas['EventStatus']> => {
      const { eventID } = request.params;
      const status = deps.events.status(eventID);
      if (!status || eventAccess(deps, principalOf(request).org, eventID) === 'none')
        throw noEvent(NO_STATUS);
      return status;
    },
  );
}
