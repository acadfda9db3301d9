import type { FastifyInstance } from 'fastify';
import { MAX_URI_LENGTH } from '../epcis/index.js';
import { operationIdOf } from './operations.js';

/** The router's own bound (server.ts MAX_PARAM_LENGTH) refuses longer ones first, as BAD_REQUEST. */
export const MAX_IDENTIFIER_LENGTH = MAX_URI_LENGTH;

/** Identifiers are URIs or hex ids: printable text, never control characters (log and terminal injection). */
const IDENTIFIER = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_IDENTIFIER_LENGTH,
  pattern: '^[^\\u0000-\\u001f\\u007f]*$',
};

/**
 * Every path parameter of an OpenAPI operation is an identifier unless its route declares its own
 * `params` schema: a control character is a 400 VALIDATION_FAILED naming
 * `params.<name>`, not a lookup. Must be registered before the routes.
 */
export function checkPathIdentifiers(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
    if (names.length === 0 || route.schema?.params) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => operationIdOf(m, route.url) !== undefined)) return;
    route.schema = {
      ...route.schema,
      params: {
        type: 'object',
        properties: Object.fromEntries(names.map((n) => [n, IDENTIFIER])),
        required: names,
      },
    };
  });
}
