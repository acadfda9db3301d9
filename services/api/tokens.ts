import { decodeJwt, errors, importJWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { ErrorCode, WaybillError } from '../common/index.js';
import type { IdentityProvider } from '../config/index.js';
import { ISSUER_ALG as ALG, type PrivateJwk, type PublicJwk } from '../crypto/index.js';

export { generateIssuerKey, type PrivateJwk } from '../crypto/index.js';

import { RemoteIssuer, type VerifiedToken } from './identity-providers.js';
import type { IssuerKeys, Principal, Role } from './types.js';

export interface IssueTokenOptions {
  privateJwk: PrivateJwk;
  /** The issuing org: becomes `iss`. */
  org: string;
  /** The network id: becomes `aud`. */
  network: string;
  /** The API client: becomes `sub`. */
  sub: string;
  roles: Role[];
  ttlSeconds: number;
}

const ROLES: ReadonlySet<string> = new Set<Role>(['events:write', 'events:read', 'admin']);

export async function issueToken(opts: IssueTokenOptions): Promise<string> {
  if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds <= 0) {
    throw new WaybillError(ErrorCode.BadRequest, 'ttlSeconds must be a positive integer');
  }
  const key = await importJWK(opts.privateJwk, ALG);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: opts.roles })
    .setProtectedHeader({ alg: ALG, typ: 'JWT', kid: opts.privateJwk.kid })
    .setIssuer(opts.org)
    .setAudience(opts.network)
    .setSubject(opts.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + opts.ttlSeconds)
    .sign(key);
}

export interface TokenVerifierOptions {
  issuers: IssuerKeys;
  /** Expected `aud`: the network id. */
  audience: string;
  /** How many verified tokens to remember; the oldest is forgotten first. */
  maxCached?: number;
  /** External IdPs (node.json `auth.jwks`): tokens whose `iss` is one of them are verified by its JWKS. */
  identityProviders?: readonly IdentityProvider[];
}

function unauthorized(detail: string): WaybillError {
  return new WaybillError(ErrorCode.Unauthorized, detail);
}

/**
 * Verifies bearer tokens against the members' issuer keys. Clients reuse a token for many requests
 * and a signature check costs far more than a map lookup, so each token is verified once and then
 * served from memory until its `exp`.
 */
export class TokenVerifier {
  /** Imported keys by issuer and key: a rotated key is imported afresh. */
  private readonly keys = new Map<string, ReturnType<typeof importJWK>>();
  /** Verified tokens, with the member issuer key that verified them (none for an IdP's). */
  private readonly cache = new Map<string, VerifiedToken & { memberKey?: PublicJwk }>();
  private readonly maxCached: number;
  private readonly remote = new Map<string, RemoteIssuer>();

  constructor(private readonly opts: TokenVerifierOptions) {
    this.maxCached = opts.maxCached ?? 4096;
    for (const idp of opts.identityProviders ?? [])
      this.remote.set(idp.issuer, new RemoteIssuer(idp, (org) => this.isMember(org)));
  }

  /** A member org now (the issuers follow governance): an IdP's tokens act only for one. */
  private isMember(org: string): boolean {
    return this.opts.issuers.get(org) !== undefined;
  }

  /** The token's principal; throws UNAUTHORIZED. */
  async verify(token: string): Promise<Principal> {
    const hit = this.cache.get(token);
    // A remembered token counts only while its issuer is still a member with the same key, or
    // (an IdP's token) while its org is still a member.
    const current =
      hit &&
      (hit.memberKey === undefined
        ? this.isMember(hit.principal.org)
        : sameKey(hit.memberKey, this.opts.issuers.get(hit.principal.org)));
    if (hit && current && hit.expiresAtMs > Date.now()) return hit.principal;
    this.cache.delete(token);
    const verified = await this.verifyUncached(token);
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value ?? '');
    this.cache.set(token, verified);
    return verified.principal;
  }

  private async verifyUncached(token: string): Promise<VerifiedToken & { memberKey?: PublicJwk }> {
    const issuer = unverifiedIssuer(token);
    const remote = this.remote.get(issuer);
    if (remote) return remote.verify(token).catch((err: unknown) => Promise.reject(joseToUnauthorized(err)));
    const memberKey = this.opts.issuers.get(issuer);
    const key = await this.keyOf(issuer, memberKey);
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer,
        audience: this.opts.audience,
        algorithms: [ALG],
        requiredClaims: ['exp', 'sub'],
      });
      const principal = principalFromClaims(issuer, payload);
      return { principal, expiresAtMs: (payload.exp ?? 0) * 1000, ...(memberKey && { memberKey }) };
    } catch (err) {
      throw joseToUnauthorized(err);
    }
  }

  /** Imported once per issuer: importing is async WebCrypto work. */
  private keyOf(issuer: string, jwk: PublicJwk | undefined): ReturnType<typeof importJWK> {
    if (!jwk)
      throw unauthorized(
        'the token issuer is neither a member of this network nor a configured identity provider',
      );
    const id = `${issuer} ${JSON.stringify(jwk)}`;
    let key = this.keys.get(id);
    if (!key) {
      key = importJWK(jwk, ALG);
      this.keys.set(id, key);
    }
    return key;
  }
}

function sameKey(a: PublicJwk, b: PublicJwk | undefined): boolean {
  return a === b || (b !== undefined && JSON.stringify(a) === JSON.stringify(b));
}

/** `iss` picks the key to verify with, so it is read before the signature is checked. */
function unverifiedIssuer(token: string): string {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw unauthorized('the bearer token is not a well-formed JWT');
  }
  if (typeof iss !== 'string') throw unauthorized("the bearer token has no 'iss' claim");
  return iss;
}

function principalFromClaims(org: string, payload: JWTPayload): Principal {
  const { sub, roles } = payload;
  if (typeof sub !== 'string' || !Array.isArray(roles)) {
    throw unauthorized("the bearer token needs string 'sub' and array 'roles' claims");
  }
  // Unknown roles are ignored rather than rejected, so issuers can add roles before nodes know them.
  return { sub, org, roles: roles.filter((r): r is Role => typeof r === 'string' && ROLES.has(r)) };
}

function joseToUnauthorized(err: unknown): unknown {
  if (err instanceof WaybillError) return err;
  if (err instanceof errors.JWTExpired) return unauthorized('the bearer token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) return unauthorized(`bearer token: ${err.message}`);
  if (err instanceof errors.JOSEError) return unauthorized('the bearer token signature or format is invalid');
  return err;
}
