/** The signed-in auditor: a bearer token kept for this tab only (sessionStorage, never localStorage). */
export interface Session {
  token: string;
  org: string;
  sub: string;
  roles: string[];
  /** Seconds since the epoch, or undefined when the token has no exp. */
  exp: number | undefined;
}

const KEY = 'waybill.console.token';
/** The org an IdP's token acts for (GET /auth/providers), which its claims may not name. */
const ORG_KEY = 'waybill.console.org';

function base64UrlJson(part: string): unknown {
  const b64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * What the token says about its holder, for the header only: the node checks the signature on
 * every call, so nothing here is trusted. Undefined when it is no JWT. `org`: the member an IdP's
 * tokens act for, from node.json; otherwise the token's `org` claim, or its issuer (a member's id).
 */
export function sessionOf(token: string, org?: string): Session | undefined {
  const claims = claimsOf(token);
  if (!claims) return undefined;
  return {
    token: token.trim(),
    org: org ?? String(claims.org ?? claims.iss ?? ''),
    sub: String(claims.sub ?? ''),
    roles: rolesOf(claims),
    exp: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
}

/** A JWT's claims, unverified; undefined when it is no JWT. */
export function claimsOf(token: string): Record<string, unknown> | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims = base64UrlJson(parts[1]);
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The roles the node reads (api/identity-providers.ts rolesOf): a `roles` array or string, and OAuth scopes. */
const ROLES = new Set(['events:write', 'events:read', 'admin']);
function rolesOf(claims: Record<string, unknown>): string[] {
  const values = [claims.roles, claims.scope].flatMap((claim) =>
    typeof claim === 'string' ? claim.split(/[ ,]+/) : Array.isArray(claim) ? claim.map(String) : [],
  );
  return [...new Set(values.filter((r) => ROLES.has(r)))];
}

export function storedSession(): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  return token ? sessionOf(token, sessionStorage.getItem(ORG_KEY) ?? undefined) : undefined;
}

export function storeSession(s: Session | undefined, org?: string): void {
  if (s) sessionStorage.setItem(KEY, s.token);
  else sessionStorage.removeItem(KEY);
  if (s && org !== undefined) sessionStorage.setItem(ORG_KEY, org);
  else sessionStorage.removeItem(ORG_KEY);
}
