import { type FormEvent, useEffect, useState } from 'react';
import { client } from '../api.js';
import { claimsOf, type Session, sessionOf } from '../session.js';
import { isCallback, type Provider } from '../sign-in-state.js';

/** The node checks a token: any read that needs events:read will do. Undefined when it accepts it. */
async function refusal(s: Session): Promise<string | undefined> {
  const r = await client(undefined).GET('/alerts', {
    params: { query: { perPage: 1 } },
    headers: { authorization: `Bearer ${s.token}` },
  });
  if (r.response.ok) return undefined;
  const p = (r.error ?? {}) as { code?: string; detail?: string };
  return `${p.code ?? r.response.status}: ${p.detail ?? 'the node refused this token'}`;
}

/** An IdP's tokens act for the org node.json names, or the one their orgClaim names. */
function orgOf(provider: Provider, token: string): string | undefined {
  if (provider.org !== undefined) return provider.org;
  const value = provider.orgClaim ? claimsOf(token)?.[provider.orgClaim] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Paste a bearer token, or sign in with an identity provider node.json offers (GET
 * /auth/providers): the OIDC code flow with PKCE (oidc.ts, loaded on first use).
 */
export function SignIn({
  expired,
  onSignIn,
}: {
  expired: boolean;
  onSignIn: (s: Session, org?: string) => void;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [completing, setCompleting] = useState(() => isCallback());
  const [busy, setBusy] = useState(completing);
  const [providers, setProviders] = useState<Provider[]>([]);

  useEffect(() => {
    void client(undefined)
      .GET('/auth/providers')
      .then((r) => r.data && setProviders(r.data.providers));
  }, []);

  // Back from the IdP: exchange the code, let the node check the token, land where the auditor was.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on the redirect back
  useEffect(() => {
    if (!isCallback()) return;
    void (async () => {
      try {
        const { finishSignIn } = await import('../oidc.js');
        const { token: t, provider } = await finishSignIn();
        const org = orgOf(provider, t);
        const s = sessionOf(t, org);
        if (!s) throw new Error(`${provider.name} gave a ${provider.token} that is not a JWT`);
        const refused = await refusal(s);
        if (refused) throw new Error(refused);
        onSignIn(s, org);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
        setBusy(false);
        setCompleting(false);
      }
    })();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const s = sessionOf(token);
    if (!s) {
      setError('This is not a bearer token (a JWT has three dot-separated parts).');
      return;
    }
    setBusy(true);
    const refused = await refusal(s);
    setBusy(false);
    if (refused) {
      setError(refused);
      return;
    }
    onSignIn(s);
  };

  const signInWith = async (provider: Provider) => {
    setBusy(true);
    setError('');
    try {
      const { startSignIn } = await import('../oidc.js');
      await startSignIn(provider); // navigates away
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <h1>Waybill console</h1>
      {expired && (
        <p className="error" role="alert">
          Your session expired. Sign in again to continue where you were.
        </p>
      )}
      {completing && <p role="status">Signing you in…</p>}
      {providers.length > 0 && (
        <section aria-label="Organisation sign-in" className="providers">
          {providers.map((p) => (
            <button key={p.issuer} type="button" onClick={() => void signInWith(p)} disabled={busy}>
              Sign in with {p.name}
            </button>
          ))}
          <p className="muted">Or paste a token:</p>
        </section>
      )}
      <form onSubmit={submit}>
        <label htmlFor="token">Token</label>
        <textarea
          id="token"
          name="token"
          rows={4}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby="token-help"
          autoComplete="off"
          spellCheck={false}
        />
        <p id="token-help" className="muted">
          Paste a bearer token with the events:read role, e.g. from{' '}
          <code>waybill token --role events:read</code>. It is kept in this tab only.
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
