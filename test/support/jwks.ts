import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** An identity provider's signing key, with its public half as the IdP publishes it. */
export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'EdDSA';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signingKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** Serves `/<name>/jwks` from `published`; `answer` lets a test make the IdP misbehave. */
export class JwksServer {
  readonly published = new Map<string, SigningKey[]>();
  answer: 'jwks' | 'error' | 'garbage' = 'jwks';
  fetches = 0;
  private server?: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.fetches++;
      const name = req.url?.split('/')[1] ?? '';
      if (this.answer === 'error') return res.writeHead(500).end('down for maintenance');
      if (this.answer === 'garbage')
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":');
      const keys = (this.published.get(name) ?? []).map((k) => k.publicJwk);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.port}/${name}/jwks`;
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server?.close(r));
  }
}

export interface IdpTokenClaims {
  iss: string;
  aud: string;
  claims?: Record<string, unknown>;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
}

/** A token as an IdP issues it: `sub` sap-erp, roles events:write and events:read unless `claims` say otherwise. */
export function signIdpToken(key: SigningKey, o: IdpTokenClaims): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ['events:write', 'events:read'], ...o.claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(o.iss)
    .setAudience(o.aud)
    .setSubject('sap-erp')
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expiresIn ?? 300))
    .sign(key.privateKey);
}
