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
  // Governance of members and grants (execution/membership.ts); the ledger refuses with the same codes.
  /** No committed governance proposal has this hash. */
  UnknownProposal = 'UNKNOWN_PROPOSAL',
  /** The same change is already proposed. */
  DuplicateProposal = 'DUPLICATE_PROPOSAL',
  /** This organisation already approved the proposal. */
  AlreadyApproved = 'ALREADY_APPROVED',
  /** The change would leave fewer than 4 validators. */
  ValidatorsBelowMinimum = 'VALIDATORS_BELOW_MINIMUM',
  /** The member file is malformed, or its peer id or signature does not match its node key. */
  MemberInvalid = 'MEMBER_INVALID',
  /** The org id, node key or peer id is already a member's. */
  MemberExists = 'MEMBER_EXISTS',
  /** No member has this org id. */
  MemberUnknown = 'MEMBER_UNKNOWN',
  /** Only validators propose and approve governance changes. */
  NotAValidator = 'NOT_A_VALIDATOR',
  /** An organisation cannot propose or approve a grant to itself. */
  SelfGrant = 'SELF_GRANT',
  /** The grant's scope or until is not valid. */
  GrantInvalid = 'GRANT_INVALID',
  /** A disclosure of a path the event does not seal (docs/privacy.md). */
  SealedPathUnknown = 'SEALED_PATH_UNKNOWN',
  /** This node cannot decrypt the event's sealed fields: a recipient's own node serves them. */
  SealedNotHeld = 'SEALED_NOT_HELD',
  /** An optional operation of the EPCIS REST binding this node does not offer (GS1: 501). */
  NotImplemented = 'NOT_IMPLEMENTED',
}

/**
 * Base of every domain's typed error: a stable code from that domain's set and metadata typed for
 * it (Lodestar's LodestarError<{code, ...meta}>). Domains declare their codes and errors beside
 * their code (storage/errors.ts, config/errors.ts, p2p/errors.ts, subscriptions/errors.ts, ...).
 * HTTP statuses and titles are the API's business (api/problem.ts), not this floor's.
 */
export class DomainError<
  C extends string = string,
  M extends object = Record<string, unknown>,
> extends Error {
  readonly code: C;
  readonly meta: M;

  constructor(code: C, message: string, meta: M) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.meta = meta;
  }
}

/**
 * A domain error whose code is one of the API's stable codes (ErrorCode, the spec's enum): the
 * API answers it as RFC 9457 problem+json with that code. Codes outside ErrorCode (p2p's) never
 * reach a client.
 */
export class WaybillError<
  C extends ErrorCode = ErrorCode,
  M extends object = Record<string, unknown>,
> extends DomainError<C, M> {
  constructor(code: C, message: string, ...meta: Partial<M> extends M ? [meta?: M] : [meta: M]) {
    super(code, message, (meta[0] ?? {}) as M);
  }
}
