export type { Access, AuthHooks } from './auth.js';
export type { Operations, Schemas } from './openapi.js';
export {
  type FieldError,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problemType,
  statusOf,
  toProblem,
} from './problem.js';
// The document GET /queries/{name}/events answers with, which webhooks deliver too.
export { queryDocument } from './routes/query-support.js';
export { type BuildApiOptions, buildApi } from './server.js';
export {
  generateIssuerKey,
  type IssueTokenOptions,
  issueToken,
  type PrivateJwk,
  TokenVerifier,
  type TokenVerifierOptions,
} from './tokens.js';
export type * from './types.js';
export type { ApiDeps, DryRunResult, EventCaptureOutcome, IssuerKeys, Role, SubmitContext } from './types.js';
