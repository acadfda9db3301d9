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
 * every call, so nothing here is trusted. Undefined when it is no JWT.
 */
export function sessionOf(token: string): Session | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims = base64UrlJson(parts[1]) as Record<string, unknown>;
    const roles = Array.isArray(claims.roles)
      ? claims.roles.map(String)
      : typeof claims.roles === 'string'
        ? claims.roles.split(/[ ,]+/)
        : typeof claims.scope === 'string'
          ? claims.scope.split(' ')
          : [];
    return {
      token: token.trim(),
      org: String(claims.org ?? claims.iss ?? ''),
      sub: String(claims.sub ?? ''),
      roles,
      exp: typeof claims.exp === 'number' ? claims.exp : undefined,
    };
  } catch {
    return undefined;
  }
}

export function storedSession(): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  return token ? sessionOf(token) : undefined;
}

export function storeSession(s: Session | undefined): void {
  if (s) sessionStorage.setItem(KEY, s.token);
  else sessionStorage.removeItem(KEY);
}
