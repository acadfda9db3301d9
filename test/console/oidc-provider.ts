import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/**
 * A minimal OpenID provider on 127.0.0.1 for the console's sign-in test: discovery, an authorize
 * endpoint that signs the user in at once (as an IdP with a live session does) and redirects
 * back, a token endpoint that checks the PKCE verifier, and its JWKS. Tokens are RS256 (jose).
 */
export class MockOidcProvider {
  readonly clientId = 'waybill-console';
  /** Lifetime of the tokens it issues from now on. */
  ttlSeconds = 3600;
  subject = 'auditor@example';
  roles = ['events:read'];
  /** The redirect URI registered for the client: set to the node's console before use. */
  redirectUri = '';
  /** The audience of access tokens: the network id, as the node expects by default. */
  constructor(private readonly audience: string) {}
  /** Every request, as "METHOD /path". */
  readonly requests: string[] = [];
  /** Token exchanges whose PKCE verifier matched the authorization request's challenge. */
  pkceVerified = 0;

  private server?: Server;
  private key?: { privateKey: CryptoKey; publicJwk: JWK };
  private readonly codes = new Map<string, { challenge: string; nonce: string; redirectUri: string }>();
  private port = 0;

  get issuer(): string {
    return `http://127.0.0.1:${this.port}/realms/waybill`;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    this.key = {
      privateKey,
      publicJwk: { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' },
    };
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url?.split('?')[0]}`);
      void this.handle(req, res).catch((err: Error) => res.writeHead(500).end(err.message));
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server?.close(r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    // The console calls discovery and the token endpoint from its own origin: CORS, as SPA-ready IdPs do.
    const cors = { 'access-control-allow-origin': req.headers.origin ?? '*', vary: 'origin' };
    const json = (status: number, body: unknown): void => {
      res
        .writeHead(status, { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(body));
    };
    const path = url.pathname.replace(/^\/realms\/waybill/, '');
    if (req.method === 'OPTIONS')
      return void res
        .writeHead(204, {
          ...cors,
          'access-control-allow-headers': '*',
          'access-control-allow-methods': 'GET, POST',
        })
        .end();
    if (path === '/.well-known/openid-configuration')
      return json(200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/authorize`,
        token_endpoint: `${this.issuer}/token`,
        jwks_uri: `${this.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        authorization_response_iss_parameter_supported: true,
      });
    if (path === '/jwks') return json(200, { keys: [this.key?.publicJwk] });
    if (path === '/authorize') return this.authorize(url, res);
    if (path === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(await body(req));
      const grant = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      const challenge = createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url');
      if (
        !grant ||
        form.get('grant_type') !== 'authorization_code' ||
        form.get('client_id') !== this.clientId ||
        form.get('redirect_uri') !== grant.redirectUri ||
        challenge !== grant.challenge
      )
        return json(400, { error: 'invalid_grant' });
      this.pkceVerified++;
      return json(200, {
        token_type: 'Bearer',
        expires_in: this.ttlSeconds,
        access_token: await this.sign({ aud: this.audience, roles: this.roles }),
        id_token: await this.sign({ aud: this.clientId, nonce: grant.nonce }),
      });
    }
    res.writeHead(404).end();
  }

  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri') ?? '';
    if (
      q.get('client_id') !== this.clientId ||
      redirectUri !== this.redirectUri ||
      q.get('response_type') !== 'code' ||
      q.get('code_challenge_method') !== 'S256' ||
      !q.get('code_challenge') ||
      !q.get('state')
    )
      return void res.writeHead(400).end('bad authorization request');
    const code = randomBytes(16).toString('base64url');
    this.codes.set(code, {
      challenge: q.get('code_challenge') ?? '',
      nonce: q.get('nonce') ?? '',
      redirectUri,
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', q.get('state') ?? '');
    back.searchParams.set('iss', this.issuer);
    res.writeHead(302, { location: back.href }).end();
  }

  private sign(claims: Record<string, unknown>): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(this.subject)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .sign(this.key?.privateKey as CryptoKey);
  }
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
