import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, FAST_CONSENSUS } from '../support/cluster.js';
import { axeSerious, type Browser, buildConsole, launch } from './browser.js';
import { MockOidcProvider } from './oidc-provider.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = process.env.CONSOLE_SCREENSHOTS === '1' ? join(ROOT, 'docs/console') : undefined;

// Sign-in with the organisation's OpenID provider, as node.json offers it (auth.jwks[].signIn):
// a mock provider on 127.0.0.1, a real node, the console in chromium. Traffic stays on loopback.
describe('the console signs in with the organisation’s OIDC provider', () => {
  const idp = new MockOidcProvider('waybill-test');
  let cluster: Cluster;
  let browser: Browser;
  let page: Page;
  let base: string;
  let org: string;
  const requests: string[] = [];
  const cspErrors: string[] = [];

  beforeAll(async () => {
    buildConsole();
    await idp.start();
    cluster = await Cluster.create(1, FAST_CONSENSUS);
    const [node] = cluster.nodes;
    if (!node) throw new Error('no node');
    org = node.org;
    base = node.url;
    idp.redirectUri = `${base}/console/`;
    const file = JSON.parse(readFileSync(node.configPath, 'utf8'));
    file.auth = {
      jwks: [
        {
          issuer: idp.issuer,
          jwksUrl: `${idp.issuer}/jwks`,
          signIn: { clientId: idp.clientId, name: 'Example SSO' },
        },
      ],
    };
    writeFileSync(node.configPath, JSON.stringify(file));
    cluster.start(org);
    await cluster.waitReady(org, 120_000);
    browser = await launch();
    page = await browser.context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.destroy();
    await idp.stop();
  });

  const header = () => page.getByRole('banner').textContent();

  it('names the provider to the console, and lets it connect to that origin only', async () => {
    const providers = await (await fetch(`${base}/auth/providers`)).json();
    expect(providers).toEqual({
      providers: [
        {
          name: 'Example SSO',
          issuer: idp.issuer,
          clientId: idp.clientId,
          scope: 'openid',
          token: 'access_token',
          org,
        },
      ],
    });
    const csp = (await fetch(`${base}/console/`)).headers.get('content-security-policy') ?? '';
    expect(csp.split('; ')).toContain(`connect-src 'self' ${idp.origin}`);
  });

  it('signs in through the provider and lands back on the view it left, with who is signed in', {
    timeout: 90_000,
  }, async () => {
    const view = `${base}/console/#/network`;
    await page.goto(view);
    const button = page.getByRole('button', { name: 'Sign in with Example SSO' });
    await expect.poll(() => button.isVisible(), { timeout: 15_000 }).toBe(true);
    // The pasted-token sign-in stays, under its public names.
    expect(await page.getByLabel('Token').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
    expect(await axeSerious(page)).toEqual([]);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'sign-in-oidc.png'), animations: 'disabled' });

    await button.click();
    await expect
      .poll(header, { timeout: 30_000 })
      .toMatch(new RegExp(`${org}.*auditor@example.*events:read.*expires in`));
    expect(page.url()).toBe(view);
    expect(idp.pkceVerified).toBe(1);
    expect(idp.requests).toEqual(
      expect.arrayContaining(['GET /realms/waybill/authorize', 'POST /realms/waybill/token']),
    );
    // Signed in for real: the node accepts the IdP's token on the network view's calls.
    await expect
      .poll(() => page.getByRole('heading', { name: /members/i }).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
  });

  it('says the session expired when the token runs out, and keeps the URL', {
    timeout: 120_000,
  }, async () => {
    idp.ttlSeconds = 20;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with Example SSO' }).click();
    await expect.poll(header, { timeout: 30_000 }).toMatch(/auditor@example/);
    const url = page.url();
    const token = await page.evaluate<string>("sessionStorage.getItem('waybill.console.token') ?? ''");
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
    };
    await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 + 1_500 - Date.now())));
    // The reloaded view calls the node (GET /governance/rules needs a token), which answers 401 now.
    await page.reload();
    await expect.poll(() => page.getByText(/session expired/i).count(), { timeout: 30_000 }).toBe(1);
    expect(page.url()).toBe(url);
    // The provider's button appears once the console has read GET /auth/providers again.
    await expect
      .poll(() => page.getByRole('button', { name: 'Sign in with Example SSO' }).isVisible(), {
        timeout: 15_000,
      })
      .toBe(true);
  });

  it('sends traffic only to the node and the provider, and breaks no CSP rule', () => {
    const allowed = [new URL(base).origin, idp.origin];
    expect(requests.filter((u) => !allowed.some((o) => u.startsWith(`${o}/`)))).toEqual([]);
    expect(cspErrors).toEqual([]);
  });
});
