import type { FastifyInstance } from 'fastify';
import { ErrorCode, tooDeep, tooDeepError, WaybillError } from '../common/index.js';

type Parser = ReturnType<FastifyInstance['getDefaultJsonParser']>;

/**
 * Fastify's JSON parser (secure-json-parse: prototype poisoning refused) plus a nesting bound.
 * JSON.parse itself copes with 100k nested arrays, but every handler that walks the body
 * recursively would not, so an absurdly nested body is refused before any handler sees it.
 */
export function boundedJsonParser(app: FastifyInstance): Parser {
  const parse = app.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    parse(request, body, (err, value) => {
      if (err) return done(err, undefined);
      const deep = tooDeep(value);
      if (deep === undefined) return done(null, value);
      done(
        new WaybillError(ErrorCode.ValidationFailed, 'the request body nests too deeply', {
          errors: [tooDeepError(deep)],
        }),
        undefined,
      );
    });
  };
}
