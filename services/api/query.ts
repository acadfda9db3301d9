import type { FastifyInstance } from 'fastify';
import { declaresQueryParameters, operationIdOf } from './operations.js';

/** A JSON Schema for one query parameter, e.g. `{ type: 'string', maxLength: 256 }`. */
export type QueryParameterSchema = Record<string, unknown>;

export interface StrictQueryOptions {
  /** Parameters by exact name. A repeated parameter arrives as an array: declare `type: 'array'` to allow it. */
  properties?: Record<string, QueryParameterSchema>;
  /** Parameters by name pattern (regex), e.g. EPCIS `^EQ_` or `^GE_` families. */
  patternProperties?: Record<string, QueryParameterSchema>;
}

/**
 * The `querystring` schema of a route that accepts exactly these parameters. Anything else, and a
 * repeated parameter declared as a scalar, is a 400 QUERY_PARAMETER_INVALID problem naming the
 * parameter (problem.ts maps every querystring validation error to that code). Usage:
 *
 *   app.get('/events', { schema: { querystring: strictQuery({ properties: { limit: {...} } }) } }, ...)
 *
 * It relies on buildApi's Ajv option `removeAdditional: false`: with Fastify's default Ajv would
 * silently drop unknown parameters instead of refusing them.
 */
export function strictQuery(opts: StrictQueryOptions = {}): Record<string, unknown> {
  return {
    type: 'object',
    properties: opts.properties ?? {},
    ...(opts.patternProperties ? { patternProperties: opts.patternProperties } : {}),
    additionalProperties: false,
  };
}

/** Ajv options buildApi passes to Fastify, so `additionalProperties: false` refuses, not strips. */
export const AJV_CUSTOM_OPTIONS = { removeAdditional: false } as const;

/**
 * Every operation of the OpenAPI document that declares no query parameters takes none: a typo'd
 * or unsupported parameter is refused rather than silently ignored, so a client never believes a
 * filter was applied. Operations that declare some check them in their schema or, for the EPCIS
 * query interface, in services/query/params.ts. Routes outside the document (Swagger UI assets)
 * are left alone. Must be registered before the routes.
 */
export function refuseUndeclaredQueries(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => operationIdOf(m, route.url) !== undefined)) return;
    if (route.schema?.querystring || methods.some((m) => declaresQueryParameters(m, route.url))) return;
    route.schema = { ...route.schema, querystring: strictQuery() };
  });
}
