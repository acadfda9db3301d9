import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, WaybillError } from '../common/index.js';
import type { Schemas } from './openapi.js';
import { FINITE_KEYWORD } from './spec-schema.js';

export type Problem = Schemas['Problem'];
export type FieldError = Schemas['FieldError'];

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** The HTTP status of each stable code: only the API knows HTTP (common/errors.ts does not). */
const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.MalformedJson]: 400,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.MempoolFull]: 429,
  [ErrorCode.NotReady]: 503,
  [ErrorCode.Internal]: 500,
  [ErrorCode.ConfigInvalid]: 500,
  [ErrorCode.KeyFileInsecure]: 500,
  [ErrorCode.StorageCorrupt]: 500,
  [ErrorCode.DataDirInUse]: 500,
  [ErrorCode.EventRejected]: 422,
  [ErrorCode.StateDiverged]: 500,
  [ErrorCode.QueryParameterInvalid]: 400,
  [ErrorCode.IdentityProviderUnavailable]: 503,
  [ErrorCode.ShuttingDown]: 503,
  [ErrorCode.InsufficientStorage]: 507,
  [ErrorCode.IdentifierSchemeUnknown]: 400,
  [ErrorCode.IdentifierSyntax]: 400,
  [ErrorCode.IdentifierCharacter]: 400,
  [ErrorCode.IdentifierLength]: 400,
  [ErrorCode.IdentifierCheckDigit]: 400,
  [ErrorCode.IdentifierInstanceRequired]: 400,
  [ErrorCode.IdentifierClassRequired]: 400,
  [ErrorCode.TooManyIdentifiers]: 400,
  [ErrorCode.DocumentTooManyIdentifiers]: 400,
  [ErrorCode.StringTooLong]: 400,
  [ErrorCode.QueryTooLarge]: 413,
  [ErrorCode.NotAcceptable]: 406,
  [ErrorCode.DestinationNotAllowed]: 400,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.RequestTimeout]: 408,
  [ErrorCode.ExpectationFailed]: 417,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.HeadersTooLarge]: 431,
  [ErrorCode.UnknownProposal]: 404,
  [ErrorCode.DuplicateProposal]: 409,
  [ErrorCode.AlreadyApproved]: 409,
  [ErrorCode.ValidatorsBelowMinimum]: 409,
  [ErrorCode.MemberInvalid]: 422,
  [ErrorCode.MemberExists]: 409,
  [ErrorCode.MemberUnknown]: 404,
  [ErrorCode.NotAValidator]: 403,
  [ErrorCode.SelfGrant]: 403,
  [ErrorCode.GrantInvalid]: 422,
  [ErrorCode.SealedPathUnknown]: 400,
  [ErrorCode.SealedNotHeld]: 404,
  [ErrorCode.NotImplemented]: 501,
};

/** The HTTP status a typed error is answered with. */
export function statusOf(err: WaybillError): number {
  return STATUS[err.code];
}

/** RFC 9457: the title is fixed per problem type, so it is fixed per code. */
const TITLES: Record<ErrorCode, string> = {
  [ErrorCode.BadRequest]: 'Bad request',
  [ErrorCode.MalformedJson]: 'Malformed JSON',
  [ErrorCode.UnsupportedMediaType]: 'Unsupported media type',
  [ErrorCode.PayloadTooLarge]: 'Payload too large',
  [ErrorCode.ValidationFailed]: 'Validation failed',
  [ErrorCode.Unauthorized]: 'Unauthorized',
  [ErrorCode.Forbidden]: 'Forbidden',
  [ErrorCode.NotFound]: 'Not found',
  [ErrorCode.Conflict]: 'Conflict',
  [ErrorCode.MempoolFull]: 'Mempool full',
  [ErrorCode.NotReady]: 'Node not ready',
  [ErrorCode.Internal]: 'Internal error',
  [ErrorCode.ConfigInvalid]: 'Invalid configuration',
  [ErrorCode.KeyFileInsecure]: 'Insecure key file',
  [ErrorCode.StorageCorrupt]: 'Storage corrupt',
  [ErrorCode.DataDirInUse]: 'Data directory in use',
  [ErrorCode.EventRejected]: 'Event rejected',
  [ErrorCode.StateDiverged]: 'State diverged',
  [ErrorCode.QueryParameterInvalid]: 'EPCIS query parameter exception',
  [ErrorCode.IdentityProviderUnavailable]: 'Identity provider unavailable',
  [ErrorCode.ShuttingDown]: 'Node shutting down',
  [ErrorCode.InsufficientStorage]: 'Insufficient storage',
  [ErrorCode.IdentifierSchemeUnknown]: 'Unknown identifier scheme',
  [ErrorCode.IdentifierSyntax]: 'Malformed identifier',
  [ErrorCode.IdentifierCharacter]: 'Character not allowed in identifier',
  [ErrorCode.IdentifierLength]: 'Identifier length',
  [ErrorCode.IdentifierCheckDigit]: 'Wrong check digit',
  [ErrorCode.IdentifierInstanceRequired]: 'Objects required, not a pattern',
  [ErrorCode.IdentifierClassRequired]: 'Class required, not an object',
  [ErrorCode.TooManyIdentifiers]: 'Too many identifiers in one event',
  [ErrorCode.DocumentTooManyIdentifiers]: 'Too many identifiers in one document',
  [ErrorCode.StringTooLong]: 'String too long',
  [ErrorCode.QueryTooLarge]: 'Query too large',
  [ErrorCode.NotAcceptable]: 'Not acceptable',
  [ErrorCode.DestinationNotAllowed]: 'Destination not allowed',
  [ErrorCode.MethodNotAllowed]: 'Method not allowed',
  [ErrorCode.RequestTimeout]: 'Request timeout',
  [ErrorCode.ExpectationFailed]: 'Expectation failed',
  [ErrorCode.RateLimited]: 'Too many requests',
  [ErrorCode.HeadersTooLarge]: 'Request header fields too large',
  [ErrorCode.UnknownProposal]: 'Unknown proposal',
  [ErrorCode.DuplicateProposal]: 'Duplicate proposal',
  [ErrorCode.AlreadyApproved]: 'Already approved',
  [ErrorCode.ValidatorsBelowMinimum]: 'Too few validators',
  [ErrorCode.MemberInvalid]: 'Member file does not verify',
  [ErrorCode.MemberExists]: 'Member exists',
  [ErrorCode.MemberUnknown]: 'Unknown member',
  [ErrorCode.NotAValidator]: 'Not a validator',
  [ErrorCode.SelfGrant]: 'Self grant',
  [ErrorCode.GrantInvalid]: 'Invalid grant',
  [ErrorCode.SealedPathUnknown]: 'No such sealed field',
  [ErrorCode.SealedNotHeld]: 'Sealed fields not held here',
  [ErrorCode.NotImplemented]: 'Not implemented',
};

/**
 * Problems the EPCIS 2.0 REST binding names keep GS1's type (its OpenAPI document's
 * `epcisException:...`), so any EPCIS client recognises them; Waybill's stable `code` stays beside
 * it as an extension member. Codes GS1 has no name for keep a Waybill type.
 */
const GS1_TYPES: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.BadRequest]: 'epcisException:ValidationException',
  [ErrorCode.MalformedJson]: 'epcisException:ValidationException',
  [ErrorCode.ValidationFailed]: 'epcisException:ValidationException',
  [ErrorCode.EventRejected]: 'epcisException:ValidationException',
  [ErrorCode.UnsupportedMediaType]: 'epcisException:UnsupportedMediaTypeException',
  [ErrorCode.PayloadTooLarge]: 'epcisException:CaptureLimitExceededException',
  [ErrorCode.Unauthorized]: 'epcisException:SecurityException',
  [ErrorCode.Forbidden]: 'epcisException:SecurityException',
  [ErrorCode.NotFound]: 'epcisException:NoSuchResourceException',
  [ErrorCode.Conflict]: 'epcisException:ResourceAlreadyExistsException',
  [ErrorCode.Internal]: 'epcisException:ImplementationException',
  [ErrorCode.QueryParameterInvalid]: 'epcisException:QueryParameterException',
  [ErrorCode.QueryTooLarge]: 'epcisException:QueryTooLargeException',
  [ErrorCode.NotAcceptable]: 'epcisException:NotAcceptableException',
  [ErrorCode.NotImplemented]: 'epcisException:ImplementationException',
};

/**
 * GS1's type for a problem whose code alone does not say it: an unknown named query is
 * NoSuchNameException in the EPCIS query interface, other unknown resources NoSuchResourceException.
 */
export const EPCIS_TYPE = 'epcisType';

export function problemType(code: ErrorCode): string {
  return GS1_TYPES[code] ?? `https://waybill.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

export function toProblem(err: WaybillError, instance?: string): Problem {
  const { [EPCIS_TYPE]: epcisType, ...meta } = err.meta;
  // meta first, so it can add members but never overwrite the standard ones.
  return {
    ...meta,
    type: typeof epcisType === 'string' ? epcisType : problemType(err.code),
    title: TITLES[err.code],
    status: statusOf(err),
    detail: err.message,
    code: err.code,
    instance,
  };
}

export function emptyBody(): WaybillError {
  return new WaybillError(ErrorCode.BadRequest, 'the request body is empty; send an EPCISDocument');
}

/** Fastify's own errors that clients cause, with details that read the same for JSON and JSON-LD. */
const FASTIFY_ERRORS: Record<string, (request: FastifyRequest) => WaybillError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () =>
    new WaybillError(ErrorCode.MalformedJson, 'the request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: emptyBody,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (request) => unsupportedMediaType(request.headers['content-type']),
  FST_ERR_CTP_BODY_TOO_LARGE: (request) =>
    new WaybillError(
      ErrorCode.PayloadTooLarge,
      `the request body exceeds the limit of ${request.routeOptions.bodyLimit} bytes`,
    ),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new WaybillError(ErrorCode.BadRequest, 'the request body does not match its Content-Length'),
};

function unsupportedMediaType(contentType: string | undefined): WaybillError {
  const got = contentType
    ? `content type '${contentType}' is not accepted`
    : 'the request body has no content type';
  return new WaybillError(
    ErrorCode.UnsupportedMediaType,
    `${got}; send application/ld+json or application/json (POST /capture also takes EPCIS XML, application/xml)`,
  );
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as FastifyError).code === 'string' && 'statusCode' in error;
}

/** Ajv errors as `{field, message}`, the field named as `<context>.<path>`, e.g. `headers.gs1-...`. */
function fieldErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((v) => {
    const named = v.params.missingProperty ?? v.params.additionalProperty;
    const missing = typeof named === 'string' ? [named] : [];
    const path = [
      error.validationContext ?? 'body',
      ...v.instancePath.split('/').filter(Boolean),
      ...missing,
    ];
    const allowed = Array.isArray(v.params.allowedValues) ? v.params.allowedValues : undefined;
    const message = allowed
      ? `must be one of: ${allowed.join(', ')}`
      : v.keyword === 'additionalProperties'
        ? 'is not a parameter of this operation'
        : v.keyword === FINITE_KEYWORD
          ? 'must be a finite number (an integer between -(2^53-1) and 2^53-1 where an integer is asked)'
          : (v.message ?? 'is not valid');
    return { field: path.join('.'), message };
  });
}

function fromFastify(error: FastifyError, request: FastifyRequest): WaybillError | undefined {
  if (error.validation && error.validationContext === 'querystring') {
    return new WaybillError(ErrorCode.QueryParameterInvalid, 'the query parameters are not valid', {
      errors: fieldErrors(error),
    });
  }
  if (error.validation) {
    return new WaybillError(ErrorCode.ValidationFailed, 'the request is not valid', {
      errors: fieldErrors(error),
    });
  }
  const known = FASTIFY_ERRORS[error.code];
  if (known) return known(request);
  // Remaining client errors Fastify raises itself (e.g. a malformed URL) carry safe messages.
  const status = error.statusCode ?? 500;
  if (error.code.startsWith('FST_') && status >= 400 && status < 500) {
    return new WaybillError(ErrorCode.BadRequest, error.message);
  }
  return undefined;
}

/** What the client may see. Anything else, including every 500, is logged and answered generically. */
function publicError(error: unknown, request: FastifyRequest): WaybillError {
  const known =
    error instanceof WaybillError ? error : isFastifyError(error) ? fromFastify(error, request) : undefined;
  if (known && statusOf(known) !== 500) return known;
  request.log.error({ err: error }, 'request failed');
  return new WaybillError(ErrorCode.Internal, 'internal error; the node logged it under this request id');
}

/** The one error handler: every failure, Fastify's or ours, leaves as problem+json. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const err = publicError(error, request);
  if (statusOf(err) < 500) request.log.debug({ code: err.code }, err.message);
  if (err.code === ErrorCode.Unauthorized) reply.header('www-authenticate', 'Bearer realm="waybill"');
  const retryAfter = err.meta.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(Math.max(0, Math.ceil(retryAfter))));
  void reply
    .code(statusOf(err))
    .type(PROBLEM_CONTENT_TYPE)
    .send(toProblem(err, `urn:uuid:${request.id}`));
}

/** The error handler; the not-found handler (404, or 405 on a known path) is http-server.ts's. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler(handleError);
}
