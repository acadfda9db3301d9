import { Ajv } from 'ajv';
import type { WaybillError } from '../common/index.js';
import { ConfigError, ConfigErrorCode } from './errors.js';

/** node.json `auth.jwks[]`: an organisation's own identity provider, as the operator writes it. */
export interface JwksIssuerFile {
  /** The IdP's `iss`, e.g. `https://login.example.com/realms/erp`. */
  issuer: string;
  /** Where the IdP publishes its signing keys (JWKS). https, or http on a loopback host. */
  jwksUrl: string;
  /** Expected `aud`; the network id unless given. */
  audience?: string;
  /** The member org its tokens act for; this node's org unless given. */
  org?: string;
  /** Instead of `org`: the claim that names the member org (an IdP shared by several members). */
  orgClaim?: string;
  /** How soon a token with an unknown `kid` may make the node fetch the JWKS again (ms; default 30000). */
  refreshCooldownMs?: number;
  /** Offer "Sign in with <name>" in the console: OIDC code flow with PKCE as a public client. */
  signIn?: SignInFile;
}

/** node.json `auth.jwks[].signIn`: the console's OIDC client registration at this IdP. */
export interface SignInFile {
  /** The public client (no secret) registered at the IdP, with redirect URI `<node>/console/`. */
  clientId: string;
  /** Shown on the button, "Sign in with <name>"; the issuer's host unless given. */
  name?: string;
  /** Scopes asked for; `openid` unless given (add what makes the IdP put the roles in the token). */
  scope?: string;
  /** Which token of the IdP's answer the console sends as bearer: `access_token` (default) or `id_token`. */
  token?: 'access_token' | 'id_token';
  /**
   * Origins besides the issuer's that the console must reach (the IdP's token endpoint when it lives
   * elsewhere, e.g. https://oauth2.googleapis.com); added to the console's CSP connect-src.
   */
  connectOrigins?: string[];
}

/** The console's sign-in at an IdP, resolved: what GET /auth/providers serves, and the CSP's origins. */
export interface SignIn {
  clientId: string;
  name: string;
  scope: string;
  token: 'access_token' | 'id_token';
  /** The issuer's origin and `connectOrigins`: where the console's browser code may connect. */
  origins: string[];
}

/** An external issuer, resolved and checked: every token of `issuer` is verified against `jwksUrl`. */
export interface IdentityProvider {
  issuer: string;
  jwksUrl: string;
  audience: string;
  /** Exactly one of org and orgClaim is set. */
  org?: string;
  orgClaim?: string;
  refreshCooldownMs?: number;
  signIn?: SignIn;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    jwks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['issuer', 'jwksUrl'],
        additionalProperties: false,
        properties: {
          issuer: { type: 'string', minLength: 1 },
          jwksUrl: { type: 'string', minLength: 1 },
          audience: { type: 'string', minLength: 1 },
          org: { type: 'string', minLength: 1 },
          orgClaim: { type: 'string', minLength: 1 },
          refreshCooldownMs: { type: 'integer', minimum: 0 },
          signIn: {
            type: 'object',
            required: ['clientId'],
            additionalProperties: false,
            properties: {
              clientId: { type: 'string', minLength: 1 },
              name: { type: 'string', minLength: 1, maxLength: 60 },
              scope: { type: 'string', minLength: 1 },
              token: { enum: ['access_token', 'id_token'] },
              connectOrigins: { type: 'array', items: { type: 'string', minLength: 1 } },
            },
          },
        },
        not: { required: ['org', 'orgClaim'] },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile<{ jwks?: JwksIssuerFile[] }>(schema);

export interface AuthContext {
  /** The node.json path, for error messages. */
  path: string;
  /** Genesis network id: the default audience. */
  network: string;
  /** This node's org: the default org. */
  org: string;
  /** Member org ids: an IdP may only act for a member, and may not reuse a member's issuer name. */
  members: readonly string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function invalid(ctx: AuthContext, field: string, message: string): WaybillError {
  return new ConfigError(ConfigErrorCode.Invalid, `${ctx.path}: ${field} ${message}`, {
    path: ctx.path,
    field,
  });
}

/** node.json `auth`, checked: the IdPs whose tokens this node accepts besides the members' issuer keys. */
export function parseAuthConfig(raw: unknown, ctx: AuthContext): IdentityProvider[] {
  if (raw === undefined) return [];
  if (!validate(raw)) {
    const first = validate.errors?.[0];
    const field = `auth${(first?.instancePath ?? '').replaceAll('/', '.').replace(/\.(\d+)/g, '[$1]')}`;
    const message =
      first?.keyword === 'not' ? 'may set org or orgClaim, not both' : (first?.message ?? 'is not valid');
    throw invalid(ctx, field, message);
  }
  const seen = new Set<string>();
  return (raw.jwks ?? []).map((entry, i) => {
    const at = `auth.jwks[${i}]`;
    if (ctx.members.includes(entry.issuer) || seen.has(entry.issuer)) {
      throw invalid(ctx, `${at}.issuer`, `'${entry.issuer}' is already a member's or another IdP's issuer`);
    }
    seen.add(entry.issuer);
    checkUrl(ctx, `${at}.jwksUrl`, entry.jwksUrl);
    const org = entry.orgClaim ? undefined : (entry.org ?? ctx.org);
    if (org !== undefined && !ctx.members.includes(org)) {
      throw invalid(ctx, `${at}.org`, `'${org}' is not a member in genesis`);
    }
    return {
      issuer: entry.issuer,
      jwksUrl: entry.jwksUrl,
      audience: entry.audience ?? ctx.network,
      ...(org !== undefined ? { org } : { orgClaim: entry.orgClaim }),
      ...(entry.refreshCooldownMs !== undefined ? { refreshCooldownMs: entry.refreshCooldownMs } : {}),
      ...(entry.signIn ? { signIn: signInOf(ctx, at, entry.issuer, entry.signIn) } : {}),
    };
  });
}

/**
 * The console discovers the IdP at `<issuer>/.well-known/openid-configuration` from the browser,
 * so the issuer must be a URL the console's CSP can name: https, or http on a loopback host.
 */
function signInOf(ctx: AuthContext, at: string, issuer: string, file: SignInFile): SignIn {
  const issuerOrigin = originOf(ctx, `${at}.issuer`, issuer);
  const origins = (file.connectOrigins ?? []).map((o, i) => {
    const origin = originOf(ctx, `${at}.signIn.connectOrigins[${i}]`, o);
    if (new URL(o).href !== new URL(origin).href)
      throw invalid(
        ctx,
        `${at}.signIn.connectOrigins[${i}]`,
        `must be an origin such as https://login.example.com, not '${o}'`,
      );
    return origin;
  });
  return {
    clientId: file.clientId,
    name: file.name ?? new URL(issuer).host,
    scope: file.scope ?? 'openid',
    token: file.token ?? 'access_token',
    origins: [...new Set([issuerOrigin, ...origins])],
  };
}

function originOf(ctx: AuthContext, field: string, value: string): string {
  checkUrl(ctx, field, value);
  return new URL(value).origin;
}

/**
 * Keys (or, for the console, tokens) fetched over plain http could be swapped or read by anyone on
 * the path, so only loopback may use it.
 */
function checkUrl(ctx: AuthContext, field: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(ctx, field, `'${value}' is not a URL`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return;
  throw invalid(ctx, field, `must be an https URL (http only on a loopback host), not '${value}'`);
}
