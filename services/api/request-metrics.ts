import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { operationIdOf, UNKNOWN_OPERATION } from './operations.js';
import type { ApiDeps } from './types.js';

/**
 * Counts every answered request by its OpenAPI operationId and status, with its duration. Labelled
 * by operationId rather than URL, so eventIDs in paths never become label values.
 */
export function observeRequests(app: FastifyInstance, deps: ApiDeps): void {
  app.addHook('onResponse', async (request, reply) => {
    const operation = operationIdOf(request.method, request.routeOptions.url) ?? UNKNOWN_OPERATION;
    deps.node.observeRequest(operation, reply.statusCode, reply.elapsedTime / 1000);
  });
}

type FrameworkErrorHandler = (error: unknown, request: FastifyRequest, reply: FastifyReply) => void;

/**
 * Requests Fastify refuses before routing (a malformed URL, an overlong parameter) run no hooks,
 * so the handler Fastify calls for them counts them too, as 'unknown'.
 */
export function observedFrameworkErrors(deps: ApiDeps, handle: FrameworkErrorHandler): FrameworkErrorHandler {
  return (error, request, reply) => {
    handle(error, request, reply);
    deps.node.observeRequest(UNKNOWN_OPERATION, reply.statusCode, reply.elapsedTime / 1000);
  };
}
