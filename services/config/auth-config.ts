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
    checkJwksUrl(ctx, `${at}.jwksUrl`, entry.jwksUrl);
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
    };
  });
}

/** Keys fetched over plain http could be swapped by anyone on the path, so only loopback may use it. */
function checkJwksUrl(ctx: AuthContext, field: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(ctx, field, `'${value}' is not a URL`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return;
  throw invalid(ctx, field, `must be an https URL (http only on a loopback host), not '${value}'`);
}
