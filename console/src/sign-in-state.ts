import type { Schemas } from './api.js';

/** An IdP the node offers sign-in with (GET /auth/providers). */
export type Provider = Schemas['SignInProvider'];

/** A sign-in under way at the IdP: what the callback needs to finish it (this tab only). */
export interface PendingSignIn {
  provider: Provider;
  verifier: string;
  state: string;
  nonce: string;
  /** The fragment the auditor was on: the view they return to. */
  back: string;
}

export const PENDING_KEY = 'waybill.console.oidc';

/**
 * Whether this page load is the IdP sending the browser back (…/console/?code=…&state=…) to a
 * sign-in this tab started. Kept apart from oidc.ts so the OAuth library loads only when used.
 */
export function isCallback(): boolean {
  return sessionStorage.getItem(PENDING_KEY) !== null && /[?&](code|error)=/.test(window.location.search);
}

/** The console's redirect URI, as registered at the IdP: its own page, without query or fragment. */
export function redirectUri(): string {
  return `${window.location.origin}/console/`;
}
