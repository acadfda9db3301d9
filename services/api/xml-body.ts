import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode, WaybillError } from '../common/index.js';
import { epcisDocumentFromXml, XmlSyntaxError } from '../epcis/index.js';

/** Media types of the EPCIS XML binding. */
export const XML_MEDIA_TYPES = ['application/xml', 'text/xml'];

/** Routes that take an EPCIS XML capture document (read into the JSON-LD model before the handler). */
const XML_ROUTES = new Set(['/capture']);

/**
 * EPCIS XML capture documents (ERPs that speak EPCIS XML post unchanged): read into the JSON-LD
 * EPCISDocument the JSON binding carries, so the handler, validation and the ledger see one model.
 * Malformed XML is a 400 naming line and column; XML on any other route is a 415.
 */
export function acceptEpcisXml(app: FastifyInstance): void {
  app.addContentTypeParser(XML_MEDIA_TYPES, { parseAs: 'string' }, (request: FastifyRequest, body, done) => {
    if (!XML_ROUTES.has(request.routeOptions.url ?? '')) {
      return done(
        new WaybillError(
          ErrorCode.UnsupportedMediaType,
          `content type '${request.headers['content-type']}' is accepted only by POST /capture; send application/ld+json or application/json`,
        ),
        undefined,
      );
    }
    try {
      done(null, epcisDocumentFromXml(String(body)));
    } catch (err) {
      if (!(err instanceof XmlSyntaxError)) return done(err as Error, undefined);
      done(
        new WaybillError(
          ErrorCode.ValidationFailed,
          'the request body is not a well-formed EPCIS XML document',
          {
            errors: err.errors,
          },
        ),
        undefined,
      );
    }
  });
}
