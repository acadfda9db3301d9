import type { FastifyInstance } from 'fastify';
import type { IdentityProvider } from '../../config/index.js';
import type { Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';

/** What the console needs to offer "Sign in with <name>": public, as any OIDC public client's registration is. */
export function signInProviders(idps: readonly IdentityProvider[]): Schemas['SignInProviders'] {
  return {
    providers: idps.flatMap((idp) =>
      idp.signIn
        ? [
            {
              name: idp.signIn.name,
              issuer: idp.issuer,
              clientId: idp.signIn.clientId,
              scope: idp.signIn.scope,
              token: idp.signIn.token,
              ...(idp.org !== undefined ? { org: idp.org } : { orgClaim: idp.orgClaim as string }),
            },
          ]
        : [],
    ),
  };
}

/** GET /auth/providers: the IdPs node.json lets the console sign in with (auth.jwks[].signIn). No token. */
export function signInRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const body = signInProviders(deps.identityProviders);
  app.get('/auth/providers', async (): Promise<Schemas['SignInProviders']> => body);
}
