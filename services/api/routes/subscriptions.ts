import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import type { Subscription } from '../../storage/index.js';
import { destProblem } from '../../subscriptions/index.js';
import { type AuthHooks, principalOf } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import { EPCIS_TYPE } from '../problem.js';
import type { ApiDeps } from '../types.js';
import { keyedPage } from './query-support.js';

type QueryParams = Operations['listSubscriptions']['parameters']['path'];
type OneParams = Operations['getSubscription']['parameters']['path'];

const _PAGING = ['perPage', 'nextPageToken'];
const MAX_TOKEN_LENGTH = 1024;

/**
 * EPCIS subscription members this node does not implement, and why the client should know. A Map:
 * a client's member name must not find Object.prototype's members (`constructor`) as an object's would.
 */
const UNSUPPORTED = new Map<string, string>([
  ['schedule', 'scheduled subscriptions are not supported; subscribe with stream: true'],
  ['reportIfEmpty', 'belongs to scheduled subscriptions, which are not supported'],
  ['initialRecordTime', 'is not supported: a subscription delivers the events committed after it is created'],
]);

function invalid(field: string, message: string): WaybillError {
  return new WaybillError(ErrorCode.ValidationFailed, 'the request is not valid', {
    errors: [{ field: `body.${field}`, message }],
  });
}

/** The checked body of a POST: {dest, signatureToken?, stream: true}. */
function inputOf(body: unknown): { dest: string; secret: string | undefined } {
  if (body === undefined)
    throw new WaybillError(
      ErrorCode.BadRequest,
      'the request body is empty; send {"dest": ..., "stream": true}',
    );
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('', 'must be an object with dest and stream');
  const { dest, signatureToken, stream, ...rest } = body as Record<string, unknown>;
  for (const name of Object.keys(rest))
    throw invalid(
      name,
      UNSUPPORTED.get(name) ?? 'is not a member of a subscription; give dest, signatureToken, stream',
    );
  const problem = destProblem(dest);
  if (problem !== undefined) throw invalid('dest', problem);
  if (
    signatureToken !== undefined &&
    (typeof signatureToken !== 'string' ||
      signatureToken.length === 0 ||
      signatureToken.length > MAX_TOKEN_LENGTH)
  )
    throw invalid('signatureToken', `must be a string of 1 to ${MAX_TOKEN_LENGTH} characters`);
  if (stream !== true)
    throw invalid('stream', 'must be true: only streaming subscriptions are supported (no schedule)');
  return { dest: dest as string, secret: signatureToken as string | undefined };
}

/** Never the secret. */
const toResponse = (s: Subscription): Schemas['QuerySubscription'] => ({
  subscriptionID: s.id,
  queryName: s.queryName,
  dest: s.dest,
  stream: true,
  createdBy: s.createdBy,
  createdAt: new Date(s.createdAt).toISOString(),
  ...(s.lastNotifiedAt === undefined ? {} : { lastNotifiedAt: new Date(s.lastNotifiedAt).toISOString() }),
  failedAttempts: s.attempts,
  ...(s.lastError === undefined ? {} : { lastError: s.lastError }),
  ...(s.attempts > 0 ? { nextAttemptAt: new Date(s.nextAttemptAt).toISOString() } : {}),
});

const queryNotFound = (name: string) =>
  new WaybillError(ErrorCode.NotFound, `no named query '${name}'`, {
    [EPCIS_TYPE]: 'epcisException:NoSuchNameException',
  });

const subscriptionsPath = (name: string) => `/queries/${encodeURIComponent(name)}/subscriptions`;

/**
 * POST/GET/DELETE /queries/{queryName}/subscriptions[/{subscriptionID}]. Authorised like the
 * named queries they belong to: writing needs a write token of this node's org, reading any member's.
 */
export function subscriptionRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  const { namedQueries, subscriptions } = deps.query;

  app.post<{ Params: QueryParams }>(
    '/queries/:queryName/subscriptions',
    { onRequest: auth.write },
    async (request, reply): Promise<Schemas['QuerySubscription']> => {
      const { queryName } = request.params;
      const { dest, secret } = inputOf(request.body);
      await deps.webhooks.checkDest(dest);
      if (!namedQueries.get(queryName)) throw queryNotFound(queryName);
      const principal = principalOf(request);
      const id = randomUUID();
      const added = subscriptions.add({
        id,
        queryName,
        dest,
        secret: secret === undefined ? undefined : deps.webhooks.seal(secret, id),
        createdByOrg: principal.org,
        createdBy: principal.sub,
        createdAt: Date.now(),
      });
      void reply.code(201).header('location', `${subscriptionsPath(queryName)}/${added.id}`);
      return toResponse(added);
    },
  );

  app.get<{ Params: QueryParams }>(
    '/queries/:queryName/subscriptions',
    { onRequest: auth.read },
    async (request, reply): Promise<Schemas['QuerySubscription'][]> => {
      const { queryName } = request.params;
      if (!namedQueries.get(queryName)) throw queryNotFound(queryName);
      const { org } = principalOf(request);
      const list = (limit: number, after: string) => subscriptions.list(queryName, org, limit, after);
      const page = keyedPage(request, reply, subscriptionsPath(queryName), list, (sub) => sub.id);
      return page.map(toResponse);
    },
  );

  app.get<{ Params: OneParams }>(
    '/queries/:queryName/subscriptions/:subscriptionID',
    { onRequest: auth.read },
    async (request): Promise<Schemas['QuerySubscription']> => {
      const { queryName, subscriptionID } = request.params;
      const found = subscriptions.get(queryName, subscriptionID);
      // Another org's subscription is answered exactly as an unknown one.
      if (!found || found.createdByOrg !== principalOf(request).org)
        throw notFound(queryName, subscriptionID);
      return toResponse(found);
    },
  );

  app.delete<{ Params: OneParams }>(
    '/queries/:queryName/subscriptions/:subscriptionID',
    { onRequest: auth.write },
    async (request, reply) => {
      const { queryName, subscriptionID } = request.params;
      if (!subscriptions.remove(queryName, subscriptionID)) throw notFound(queryName, subscriptionID);
      return reply.code(204).send();
    },
  );
}

function notFound(queryName: string, id: string): WaybillError {
  return new WaybillError(ErrorCode.NotFound, `no subscription '${id}' to the named query '${queryName}'`);
}
