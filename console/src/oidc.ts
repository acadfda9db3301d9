import * as oauth from 'oauth4webapi';
import { isCallback, PENDING_KEY, type PendingSignIn, type Provider, redirectUri } from './sign-in-state.js';

// OpenID Connect authorization code flow with PKCE, as a public client (no secret), through
// oauth4webapi (panva): discovery, the authorization request's parameters, the callback's state and
// iss checks, the code exchange and the ID token's claims (iss, aud, exp, nonce) are the library's,
// not hand-written. The node verifies the token it is then given on every call (auth.jwks).

/** http is allowed for a loopback issuer only; node.json refuses any other (config/auth-config.ts). */
function transport(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  return issuer.protocol === 'http:' && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(provider: Provider): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(provider.issuer);
  try {
    const res = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...transport(issuer) });
    return await oauth.processDiscoveryResponse(issuer, res);
  } catch (err) {
    throw new Error(
      `cannot read ${provider.name}'s OpenID configuration at ${issuer.origin}: ${reason(err)}`,
    );
  }
}

/** Sends the browser to the IdP's login page; it comes back to redirectUri() with a code. */
export async function startSignIn(provider: Provider): Promise<void> {
  const as = await discover(provider);
  if (!as.authorization_endpoint) throw new Error(`${provider.name} publishes no authorization endpoint`);
  const verifier = oauth.generateRandomCodeVerifier();
  const pending: PendingSignIn = {
    provider,
    verifier,
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    back: window.location.hash,
  };
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', provider.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', provider.scope);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  window.location.assign(url.href);
}

/**
 * Finishes a sign-in on the IdP's redirect back: the code is exchanged for tokens and the address
 * bar returns to the view the auditor left (the code never stays in it or in the history).
 */
export async function finishSignIn(): Promise<{ token: string; provider: Provider }> {
  if (!isCallback()) throw new Error('no sign-in is under way in this tab');
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) as string) as PendingSignIn;
  sessionStorage.removeItem(PENDING_KEY);
  const callback = new URL(window.location.href);
  window.history.replaceState(null, '', `${window.location.pathname}${pending.back}`);
  const { provider } = pending;
  const as = await discover(provider);
  const client: oauth.Client = { client_id: provider.clientId };
  try {
    const params = oauth.validateAuthResponse(as, client, callback, pending.state);
    const res = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      redirectUri(),
      pending.verifier,
      transport(new URL(provider.issuer)),
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, res, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
    const token = provider.token === 'id_token' ? tokens.id_token : tokens.access_token;
    if (!token) throw new Error(`the answer holds no ${provider.token}`);
    return { token, provider };
  } catch (err) {
    throw new Error(`${provider.name} did not sign you in: ${reason(err)}`);
  }
}

function reason(err: unknown): string {
  if (err instanceof oauth.AuthorizationResponseError)
    return `${err.error}${err.error_description ? ` (${err.error_description})` : ''}`;
  if (err instanceof oauth.ResponseBodyError)
    return `${err.error}${err.error_description ? ` (${err.error_description})` : ''}`;
  // A fetch the CSP blocked or the network lost: the browser says no more than "Failed to fetch".
  if (err instanceof TypeError)
    return `${err.message}; if the IdP's token endpoint is on another origin, list it in node.json auth.jwks[].signIn.connectOrigins`;
  return err instanceof Error ? err.message : String(err);
}
