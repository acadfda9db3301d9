/** Stable error codes: integrators and operators script against them, so never rename one. */
export enum ErrorCode {
  BadRequest = 'BAD_REQUEST',
  MalformedJson = 'MALFORMED_JSON',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  MempoolFull = 'MEMPOOL_FULL',
  NotReady = 'NOT_READY',
  Internal = 'INTERNAL',
  ConfigInvalid = 'CONFIG_INVALID',
  KeyFileInsecure = 'KEY_FILE_INSECURE',
  StorageCorrupt = 'STORAGE_CORRUPT',
  DataDirInUse = 'DATA_DIR_IN_USE',
  EventRejected = 'EVENT_REJECTED',
  /** This node's custody state differs from the state a committed block commits to: it halts. */
  StateDiverged = 'STATE_DIVERGED',
  QueryParameterInvalid = 'QUERY_PARAMETER_INVALID',
  IdentityProviderUnavailable = 'IDENTITY_PROVIDER_UNAVAILABLE',
  /** The node is stopping: a request that reached it on an open connection is not served. */
  ShuttingDown = 'SHUTTING_DOWN',
  /** The data directory's disk is full: writes are refused until space returns, reads go on. */
  InsufficientStorage = 'INSUFFICIENT_STORAGE',
  // Field-level rules of a capture document (FieldError.code; the problem itself is VALIDATION_FAILED).
  /** An EPC URI scheme the Tag Data Standard does not define (urn:epc:id:nonsense:1). */
  IdentifierSchemeUnknown = 'IDENTIFIER_SCHEME_UNKNOWN',
  /** An identifier's structure: fields, AIs, their order, a fragment. */
  IdentifierSyntax = 'IDENTIFIER_SYNTAX',
  /** A character the GS1 field does not allow (letters in a company prefix, %00 in a serial). */
  IdentifierCharacter = 'IDENTIFIER_CHARACTER',
  /** Too many or too few digits or characters for the field (13-digit GTIN, 21-character serial). */
  IdentifierLength = 'IDENTIFIER_LENGTH',
  IdentifierCheckDigit = 'IDENTIFIER_CHECK_DIGIT',
  /** An EPC pattern where objects must be named. */
  IdentifierInstanceRequired = 'IDENTIFIER_INSTANCE_REQUIRED',
  /** A single object where a class must be named (epcClass). */
  IdentifierClassRequired = 'IDENTIFIER_CLASS_REQUIRED',
  /** An event naming more identifiers than one event may. */
  TooManyIdentifiers = 'TOO_MANY_IDENTIFIERS',
  /** A document naming more identifiers in all than one document may. */
  DocumentTooManyIdentifiers = 'DOCUMENT_TOO_MANY_IDENTIFIERS',
  StringTooLong = 'STRING_TOO_LONG',
  /** A query would answer more events than its maxEventCount allows (EPCIS QueryTooLargeException). */
  QueryTooLarge = 'QUERY_TOO_LARGE',
  /** The client accepts no media type this resource is served in. */
  NotAcceptable = 'NOT_ACCEPTABLE',
  /** A webhook dest that resolves to an internal address (or this node) not allowed in node.json. */
  DestinationNotAllowed = 'DESTINATION_NOT_ALLOWED',
  /** The path exists, the method does not: the answer lists the methods in `Allow`. */
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  /** The client sent its headers or body too slowly. */
  RequestTimeout = 'REQUEST_TIMEOUT',
  /** An `Expect` header other than 100-continue. */
  ExpectationFailed = 'EXPECTATION_FAILED',
  /** Too many requests from one client: retry after `Retry-After` seconds. */
  RateLimited = 'RATE_LIMITED',
  /** Request headers or URL over the server's limit. */
  HeadersTooLarge = 'HEADERS_TOO_LARGE',
  /** A disclosure of a path the event does not seal (docs/privacy.md). */
  SealedPathUnknown = 'SEALED_PATH_UNKNOWN',
  /** This node cannot decrypt the event's sealed fields: a recipient's own node serves them. */
  SealedNotHeld = 'SEALED_NOT_HELD',
}

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
  [ErrorCode.SealedPathUnknown]: 400,
  [ErrorCode.SealedNotHeld]: 404,
};

/** Typed error with a stable code and metadata; the API maps it to RFC 9457 problem+json. */
export class WaybillError extends Error {
  readonly code: ErrorCode;
  readonly meta: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, meta: Record<string, unknown> = {}) {
    super(message);
    this.name = 'WaybillError';
    this.code = code;
    this.meta = meta;
  }

  get status(): number {
    return STATUS[this.code];
  }
}
