import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import { type AuthHooks, principalOf } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import { specSchema } from '../spec-schema.js';
import type { ApiDeps } from '../types.js';

type ObjectParams = Operations['getObject']['parameters']['path'];
type AlertQuery = { after: number; perPage: number };
type ObjectQuery = { proof: boolean };

/** An object id is a URI (EPC URN or GS1 Digital Link), percent-encoded as one path segment. */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;

const noObject = () => new WaybillError(ErrorCode.NotFound, 'no object with this id in the custody state');

export function objectRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  app.get<{ Querystring: AlertQuery }>(
    '/alerts',
    { onRequest: auth.read, schema: specSchema('listAlerts') },
    async (
      request,
    ): Promise<Operations['listAlerts']['responses']['200']['content']['application/json']> => ({
      alerts: deps.objects.alerts(principalOf(request).org, request.query.after, request.query.perPage),
    }),
  );

  app.get<{ Params: ObjectParams; Querystring: ObjectQuery }>(
    '/objects/:id',
    { onRequest: auth.read, schema: specSchema('getObject') },
    async (request): Promise<Schemas['ObjectState']> => {
      const { id } = request.params;
      if (!URI.test(id)) {
        throw new WaybillError(ErrorCode.BadRequest, `'${id}' is not an EPC URI or GS1 Digital Link URI`);
      }
      const object = deps.objects.get(id);
      // An object the caller's org never touched is answered exactly as an unknown one.
      if (!object || deps.query.objectAccess(principalOf(request).org, object.id) === 'none')
        throw noObject();
      if (!request.query.proof) return object;
      // The state is proved as the tree holds it, under the object's canonical id.
      const proof = deps.proofs.state(`object:${object.id}`);
      if (!proof) throw noObject();
      return { ...object, proof };
    },
  );
}
