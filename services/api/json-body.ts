import type { FastifyInstance } from 'fastify';
import { ErrorCode, nonFinite, tooDeep, tooDeepError, WaybillError } from '../common/index.js';

type Parser = ReturnType<FastifyInstance['getDefaultJsonParser']>;

/**
 * Fastify's JSON parser (secure-json-parse: prototype poisoning refused) plus a nesting bound and
 * finite numbers. JSON.parse itself copes with 100k nested arrays, but every handler that walks
 * the body recursively would not, so an absurdly nested body is refused before any handler sees
 * it; and a number JSON.parse read as Infinity (`1e309`) would fail canonical encoding later.
 */
export function boundedJsonParser(app: FastifyInstance): Parser {
  const parse = app.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    parse(request, body, (err, value) => {
      if (err) return done(err, undefined);
      const deep = tooDeep(value);
      if (deep !== undefined)
        return done(
          new WaybillError(ErrorCode.ValidationFailed, 'the request body nests too deeply', {
            errors: [tooDeepError(deep)],
          }),
          undefined,
        );
      const infinite = nonFinite(value);
      if (infinite === undefined) return done(null, value);
      done(
        new WaybillError(ErrorCode.ValidationFailed, 'the request body holds a number JSON cannot carry', {
          errors: [{ field: infinite, message: 'is beyond the range of a double (read as Infinity)' }],
        }),
        undefined,
      );
    });
  };
}
