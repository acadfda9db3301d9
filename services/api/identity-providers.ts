import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ErrorCode, WaybillError } from '../common/index.js';
import type { IdentityProvider } from '../config/index.js';
import type { Principal, Role } from './types.js';

/** Asymmetric algorithms only: an HMAC "key" from a JWKS would be a shared secret, and `none` no key at all. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const ROLES: ReadonlySet<string> = new Set<Role>(['events:write', 'events:read', 'admin']);
/** How long a JWKS fetch may take before the request is answered 503. */
const FETCH_TIMEOUT_MS = 3_000;

export interface VerifiedToken {
  principal: Principal;
  expiresAtMs: number;
}

/** Errors that mean the token names a key the IdP does not publish: the token's fault, a 401. */
const TOKEN_FAULTS = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JOSENotSupported];

/**
 * One external IdP: its JWKS fetched on first use and cached by jose (refetched after 10 min, or
 * on an unknown `kid` once the cooldown has passed, which is how a key rotation is picked up).
 */
export class RemoteIssuer {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly idp: IdentityProvider,
    /** Whether an org is a member now: asked at each verification, so governance's changes count. */
    private readonly isMember: (org: string) => boolean,
  ) {
    const jwks = createRemoteJWKSet(new URL(idp.jwksUrl), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      ...(idp.refreshCooldownMs !== undefined ? { cooldownDuration: idp.refreshCooldownMs } : {}),
    });
    this.keys = async (header, token) => {
      try {
        return await jwks(header, token);
      } catch (err) {
        if (TOKEN_FAULTS.some((fault) => err instanceof fault)) throw err;
        // Unreachable, slow, or serving something that is not a JWKS: not the client's fault.
        const unavailable = new WaybillError(
          ErrorCode.IdentityProviderUnavailable,
          `the identity provider of '${idp.issuer}' cannot be reached to verify the token; try again later`,
        );
        throw Object.assign(unavailable, { cause: err }); // for the log, never the client
      }
    };
  }

  async verify(token: string): Promise<VerifiedToken> {
    const { payload } = await jwtVerify(token, this.keys, {
      issuer: this.idp.issuer,
      audience: this.idp.audience,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp', 'sub'],
    });
    return { principal: this.principalOf(payload), expiresAtMs: (payload.exp ?? 0) * 1000 };
  }

  private principalOf(payload: JWTPayload): Principal {
    const org = this.idp.org ?? payload[this.idp.orgClaim ?? ''];
    if (typeof org !== 'string' || !this.isMember(org)) {
      throw new WaybillError(
        ErrorCode.Unauthorized,
        `the bearer token's '${this.idp.orgClaim}' claim names no member org`,
      );
    }
    if (typeof payload.sub !== 'string') {
      throw new WaybillError(ErrorCode.Unauthorized, "the bearer token needs a string 'sub' claim");
    }
    return { sub: payload.sub, org, roles: rolesOf(payload) };
  }
}

/**
 * IdPs carry roles as a `roles` array or string, or as OAuth 2.0 scopes (`scope`, space-separated);
 * both are read and unknown values are ignored, as for member-issued tokens.
 */
export function rolesOf(payload: JWTPayload): Role[] {
  const values = [payload.roles, payload.scope].flatMap((claim) =>
    typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [],
  );
  return [...new Set(values.filter((r): r is Role => typeof r === 'string' && ROLES.has(r)))];
}
