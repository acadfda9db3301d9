import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, WaybillError } from '../../../services/common/errors.js';
import {
  initNetwork,
  loadNodeConfig,
  parseAuthConfig,
  readNetworkDefinition,
} from '../../../services/config/index.js';

const ctx = { path: '/etc/waybill/node.json', network: 'net', org: 'grower', members: ['grower', 'packer'] };

function failure(raw: unknown): WaybillError {
  try {
    parseAuthConfig(raw, ctx);
  } catch (err) {
    if (err instanceof WaybillError) return err;
    throw err;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('node.json auth.jwks', () => {
  it('defaults the audience to the network and the org to this node', () => {
    expect(parseAuthConfig(undefined, ctx)).toEqual([]);
    expect(
      parseAuthConfig(
        { jwks: [{ issuer: 'https://idp.example', jwksUrl: 'https://idp.example/jwks' }] },
        ctx,
      ),
    ).toEqual([
      { issuer: 'https://idp.example', jwksUrl: 'https://idp.example/jwks', audience: 'net', org: 'grower' },
    ]);
    expect(
      parseAuthConfig(
        { jwks: [{ issuer: 'i', jwksUrl: 'http://127.0.0.1:9/k', orgClaim: 'org', audience: 'api' }] },
        ctx,
      ),
    ).toEqual([{ issuer: 'i', jwksUrl: 'http://127.0.0.1:9/k', audience: 'api', orgClaim: 'org' }]);
  });

  it('resolves the console sign-in of an IdP: name, scope, token and the origins its CSP allows', () => {
    const [own, google] = parseAuthConfig(
      {
        jwks: [
          {
            issuer: 'https://login.grower.example/realms/erp',
            jwksUrl: 'https://login.grower.example/realms/erp/certs',
            signIn: { clientId: 'waybill-console' },
          },
          {
            issuer: 'https://accounts.google.com',
            jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
            orgClaim: 'hd',
            signIn: {
              clientId: 'c',
              name: 'Google',
              scope: 'openid email',
              token: 'id_token',
              connectOrigins: ['https://oauth2.googleapis.com'],
            },
          },
        ],
      },
      ctx,
    );
    expect(own?.signIn).toEqual({
      clientId: 'waybill-console',
      name: 'login.grower.example',
      scope: 'openid',
      token: 'access_token',
      origins: ['https://login.grower.example'],
    });
    expect(google?.signIn).toEqual({
      clientId: 'c',
      name: 'Google',
      scope: 'openid email',
      token: 'id_token',
      origins: ['https://accounts.google.com', 'https://oauth2.googleapis.com'],
    });
  });

  it.each([
    [{ jwks: [{ issuer: 'i' }] }, 'auth.jwks[0]', /jwksUrl/],
    [{ jwks: [{ issuer: 'i', jwksUrl: 'https://x/k', extra: 1 }] }, 'auth.jwks[0]', /additional properties/],
    [
      { jwks: [{ issuer: 'i', jwksUrl: 'https://x/k', org: 'grower', orgClaim: 'o' }] },
      'auth.jwks[0]',
      /not both/,
    ],
    [{ jwks: [{ issuer: 'i', jwksUrl: 'not a url' }] }, 'auth.jwks[0].jwksUrl', /not a URL/],
    [{ jwks: [{ issuer: 'i', jwksUrl: 'http://idp.example/k' }] }, 'auth.jwks[0].jwksUrl', /https/],
    [{ jwks: [{ issuer: 'i', jwksUrl: 'https://x/k', org: 'rogue' }] }, 'auth.jwks[0].org', /not a member/],
    [{ jwks: [{ issuer: 'packer', jwksUrl: 'https://x/k' }] }, 'auth.jwks[0].issuer', /already/],
    [
      {
        jwks: [
          { issuer: 'i', jwksUrl: 'https://x/k' },
          { issuer: 'i', jwksUrl: 'https://y/k' },
        ],
      },
      'auth.jwks[1].issuer',
      /already/,
    ],
    [
      { jwks: [{ issuer: 'i', jwksUrl: 'https://x/k', refreshCooldownMs: -1 }] },
      'auth.jwks[0].refreshCooldownMs',
      /must be >= 0/,
    ],
    [{ jwks: {} }, 'auth.jwks', /must be array/],
    [{ jwks: [{ issuer: 'i', jwksUrl: 'https://x/k', signIn: {} }] }, 'auth.jwks[0].signIn', /clientId/],
    [
      { jwks: [{ issuer: 'i', jwksUrl: 'https://x/k', signIn: { clientId: 'c' } }] },
      'auth.jwks[0].issuer',
      /not a URL/,
    ],
    [
      { jwks: [{ issuer: 'http://idp.example', jwksUrl: 'https://x/k', signIn: { clientId: 'c' } }] },
      'auth.jwks[0].issuer',
      /https/,
    ],
    [
      {
        jwks: [
          {
            issuer: 'https://idp.example',
            jwksUrl: 'https://x/k',
            signIn: { clientId: 'c', connectOrigins: ['https://t.example/token'] },
          },
        ],
      },
      'auth.jwks[0].signIn.connectOrigins[0]',
      /must be an origin/,
    ],
    [
      {
        jwks: [
          { issuer: 'https://idp.example', jwksUrl: 'https://x/k', signIn: { clientId: 'c', token: 'code' } },
        ],
      },
      'auth.jwks[0].signIn.token',
      /allowed values/,
    ],
  ])('refuses %j, naming the file and %s', (raw, field, message) => {
    const err = failure(raw);
    expect(err.code).toBe(ErrorCode.ConfigInvalid);
    expect(err.meta).toEqual({ path: ctx.path, field });
    expect(err.message).toContain(`${ctx.path}: ${field} `);
    expect(err.message).toMatch(message);
  });
});

describe('loading node.json with auth', () => {
  it('resolves auth.jwks, and refuses a bad entry before the node starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waybill-auth-'));
    try {
      const def = readNetworkDefinition(join(import.meta.dirname, '../../../deploy/devnet.network.yaml'));
      await initNetwork(def, dir, 1_700_000_000_000);
      const path = join(dir, 'greenfield-farms', 'node.json');
      const file = JSON.parse(readFileSync(path, 'utf8'));
      expect(loadNodeConfig(path).auth.jwks).toEqual([]);
      const jwks = [
        { issuer: 'https://idp.example', jwksUrl: 'https://idp.example/jwks', org: 'valley-packers' },
      ];
      writeFileSync(path, JSON.stringify({ ...file, auth: { jwks } }));
      expect(loadNodeConfig(path).auth.jwks).toEqual([{ ...jwks[0], audience: 'waybill-devnet' }]);
      writeFileSync(path, JSON.stringify({ ...file, auth: { jwks: [{ ...jwks[0], org: 'nobody' }] } }));
      expect(() => loadNodeConfig(path)).toThrow(
        `${path}: auth.jwks[0].org 'nobody' is not a member in genesis`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
