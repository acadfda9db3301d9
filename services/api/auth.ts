import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ErrorCode, WaybillError } from '../common/index.js';
import { TokenVerifier } from './tokens.js';
import type { ApiDeps, Principal, Role } from './types.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller, set by the auth hook on routes that need a token. */
    principal: Principal | null;
  }
}

export type Access = 'read' | 'write' | 'admin';
export type AuthHooks = Record<Access, onRequestAsyncHookHandler>;

const ALLOWED: Record<Access, readonly Role[]> = {
  read: ['events:read', 'events:write', 'admin'],
  write: ['events:write', 'admin'],
  admin: ['admin'],
};

/**
 * onRequest hooks, so a request is authenticated before its body is read or parsed: an anonymous
 * client cannot make the node buffer and parse documents.
 */
export function createAuth(app: FastifyInstance, deps: ApiDeps): AuthHooks {
  app.decorateRequest('principal', null);
  const verifier = new TokenVerifier({
    issuers: deps.issuers,
    audience: deps.network,
    identityProviders: deps.identityProviders,
  });
  const hook =
    (access: Access): onRequestAsyncHookHandler =>
    async (request) => {
      const principal = await verifier.verify(bearerToken(request.headers.authorization)).catch((err) => {
        // The client only learns to retry; the operator needs to know the IdP is failing, and why.
        if (err instanceof WaybillError && err.code === ErrorCode.IdentityProviderUnavailable) {
          request.log.warn({ err }, err.message);
        }
        throw err;
      });
      authorize(principal, access, deps.org);
      request.principal = principal;
    };
  return { read: hook('read'), write: hook('write'), admin: hook('admin') };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error(`route ${request.url} has no auth hook`);
  return request.principal;
}

function bearerToken(header: string | undefined): string {
  if (!header) throw new WaybillError(ErrorCode.Unauthorized, 'a bearer token is required');
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match?.[1]) {
    throw new WaybillError(ErrorCode.Unauthorized, "the Authorization header must be 'Bearer <token>'");
  }
  return match[1];
}

function authorize(principal: Principal, access: Access, nodeOrg: string): void {
  if (!principal.roles.some((r) => ALLOWED[access].includes(r))) {
    throw new WaybillError(
      ErrorCode.Forbidden,
      `${access} needs one of the roles ${ALLOWED[access].join(', ')}`,
    );
  }
  // A node signs what it captures, so it captures only for its own org's clients.
  if (access !== 'read' && principal.org !== nodeOrg) {
    throw new WaybillError(
      ErrorCode.Forbidden,
      `this node captures for org '${nodeOrg}' only; send '${principal.org}' captures to its own node`,
    );
  }
}
