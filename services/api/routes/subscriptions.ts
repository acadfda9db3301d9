import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ErrorCode, WaybillError } from '../../common/index.js';
import type { Subscription } from '../../storage/index.js';
import { type CompiledSchedule, compileSchedule, destProblem, nextRun } from '../../subscriptions/index.js';
import { type AuthHooks, principalOf } from '../auth.js';
import type { Operations, Schemas } from '../openapi.js';
import { EPCIS_TYPE } from '../problem.js';
import type { ApiDeps } from '../types.js';
import { keyedPage } from './query-support.js';

type QueryParams = Operations['listSubscriptions']['parameters']['path'];
type OneParams = Operations['getSubscription']['parameters']['path'];

const _PAGING = ['perPage', 'nextPageToken'];
const MAX_TOKEN_LENGTH = 1024;

function invalid(field: string, message: string): WaybillError {
  return new WaybillError(ErrorCode.ValidationFailed, 'the request is not valid', {
    errors: [{ field: `body.${field}`, message }],
  });
}

interface SubscriptionInput {
  dest: string;
  secret: string | undefined;
  /** Scheduled (GS1's query schedule) when given, else streaming. */
  schedule: Record<string, string> | undefined;
  compiled: CompiledSchedule | undefined;
  reportIfEmpty: boolean;
  /** ms since the epoch. */
  initialRecordTime: number | undefined;
}

const MEMBERS = 'dest, signatureToken, stream or schedule, reportIfEmpty, initialRecordTime';

/**
 * The checked body of a POST: {dest, signatureToken?, initialRecordTime?} with either
 * `stream: true` or a `schedule` (and `reportIfEmpty`), as GS1's REST binding has it.
 */
function inputOf(body: unknown): SubscriptionInput {
  if (body === undefined)
    throw new WaybillError(
      ErrorCode.BadRequest,
      'the request body is empty; send {"dest": ..., "stream": true} or {"dest": ..., "schedule": {...}}',
    );
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('', 'must be an object with dest and stream or schedule');
  const { dest, signatureToken, stream, schedule, reportIfEmpty, initialRecordTime, ...rest } =
    body as Record<string, unknown>;
  for (const name of Object.keys(rest))
    throw invalid(name, `is not a member of a subscription; give ${MEMBERS}`);
  const problem = destProblem(dest);
  if (problem !== undefined) throw invalid('dest', problem);
  if (
    signatureToken !== undefined &&
    (typeof signatureToken !== 'string' ||
      signatureToken.length === 0 ||
      signatureToken.length > MAX_TOKEN_LENGTH)
  )
    throw invalid('signatureToken', `must be a string of 1 to ${MAX_TOKEN_LENGTH} characters`);
  if (stream !== undefined && stream !== true)
    throw invalid('stream', 'must be true when given (a scheduled subscription gives schedule instead)');
  if ((stream === true) === (schedule !== undefined))
    throw invalid(
      stream === true ? 'schedule' : 'stream',
      'give exactly one of stream: true (every new matching event) and schedule (runs at set times)',
    );
  if (reportIfEmpty !== undefined && (typeof reportIfEmpty !== 'boolean' || schedule === undefined))
    throw invalid('reportIfEmpty', 'must be a boolean, and belongs to a scheduled subscription');
  let compiled: CompiledSchedule | undefined;
  if (schedule !== undefined) {
    const checked = compileSchedule(schedule);
    if (!checked.ok) throw invalid(checked.field ? `schedule.${checked.field}` : 'schedule', checked.message);
    compiled = checked.schedule;
  }
  let recordTime: number | undefined;
  if (initialRecordTime !== undefined) {
    recordTime = typeof initialRecordTime === 'string' ? Date.parse(initialRecordTime) : Number.NaN;
    if (!DATE_TIME.test(String(initialRecordTime)) || Number.isNaN(recordTime))
      throw invalid('initialRecordTime', 'must be an RFC 3339 date-time with a time zone');
  }
  return {
    dest: dest as string,
    secret: signatureToken as string | undefined,
    schedule: schedule as Record<string, string> | undefined,
    compiled,
    reportIfEmpty: reportIfEmpty === true,
    initialRecordTime: recordTime,
  };
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Never the secret. */
const toResponse = (s: Subscription): Schemas['QuerySubscription'] => ({
  subscriptionID: s.id,
  queryName: s.queryName,
  dest: s.dest,
  ...(s.schedule === undefined
    ? { stream: true as const }
    : { schedule: s.schedule, reportIfEmpty: s.reportIfEmpty }),
  createdBy: s.createdBy,
  createdAt: new Date(s.createdAt).toISOString(),
  ...(s.lastNotifiedAt === undefined ? {} : { lastNotifiedAt: new Date(s.lastNotifiedAt).toISOString() }),
  failedAttempts: s.attempts,
  ...(s.lastError === undefined ? {} : { lastError: s.lastError }),
  ...(s.attempts > 0 ? { nextAttemptAt: new Date(s.nextAttemptAt).toISOString() } : {}),
  ...(s.schedule !== undefined && s.attempts === 0 && s.nextAttemptAt < Number.MAX_SAFE_INTEGER
    ? { nextRunAt: new Date(s.nextAttemptAt).toISOString() }
    : {}),
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
      const input = inputOf(request.body);
      const { dest, secret } = input;
      await deps.webhooks.checkDest(dest);
      if (!namedQueries.get(queryName)) throw queryNotFound(queryName);
      const principal = principalOf(request);
      const id = randomUUID();
      const now = Date.now();
      const firstRunAt = input.compiled && nextRun(input.compiled, now);
      if (input.schedule && firstRunAt === undefined)
        throw invalid('schedule', 'matches no time (e.g. day 31 of a month without one)');
      const added = await subscriptions.add({
        id,
        queryName,
        dest,
        secret: secret === undefined ? undefined : deps.webhooks.seal(secret, id),
        createdByOrg: principal.org,
        createdBy: principal.sub,
        createdAt: now,
        initialRecordTime: input.initialRecordTime,
        ...(input.schedule && firstRunAt !== undefined
          ? { scheduled: { schedule: input.schedule, reportIfEmpty: input.reportIfEmpty, firstRunAt } }
          : {}),
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
      if (!(await subscriptions.remove(queryName, subscriptionID))) throw notFound(queryName, subscriptionID);
      return reply.code(204).send();
    },
  );
}

function notFound(queryName: string, id: string): WaybillError {
  return new WaybillError(ErrorCode.NotFound, `no subscription '${id}' to the named query '${queryName}'`);
}
