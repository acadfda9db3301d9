import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIssuerKey } from '../../services/api/index.js';
import {
  BAD_INPUT_CASES,
  type BadInputCase,
  RAW_HTTP_CASES,
  rawExchange,
  tokenOf,
} from '../api/bad-input-cases.js';
import type { Keys } from '../api/support.js';
import { ORG, OTHER, OUTSIDER } from '../api/support.js';
import { Cluster } from '../support/cluster.js';
import { commissioningDocument } from '../support/documents.js';
import { rawRequest } from '../support/http.js';
import { JwksServer, type SigningKey, signIdpToken, signingKey } from '../support/jwks.js';
import { waitFor } from '../support/wait.js';

// One real `waybill node start` process of a four-member network, the others never started: the
// API serves, and nothing commits, so POST /events stays in flight for its full wait.

const IDP_ISSUER = 'https://login.greenfield.example/realms/erp';

describe('a real node process', () => {
  let cluster: Cluster;
  let keys: Keys;
  let url: string;
  const idp = new JwksServer();
  let idpKey: SigningKey;

  beforeAll(async () => {
    cluster = await Cluster.create(4);
    idpKey = await signingKey('erp-1', 'RS256');
    const jwtKey = (org: string) =>
      JSON.parse(readFileSync(join(cluster.dir, 'net', org, 'jwt.key'), 'utf8'));
    keys = {
      [ORG]: jwtKey(ORG),
      [OTHER]: jwtKey(OTHER),
      [OUTSIDER]: (await generateIssuerKey(OUTSIDER)).privateJwk,
    };
    // The org's own IdP, configured in its node.json as an operator would.
    await idp.start();
    idp.published.set('erp', [idpKey]);
    const configPath = cluster.node(ORG).configPath;
    const file = JSON.parse(readFileSync(configPath, 'utf8'));
    writeFileSync(
      configPath,
      JSON.stringify({ ...file, auth: { jwks: [{ issuer: IDP_ISSUER, jwksUrl: idp.url('erp') }] } }),
    );
    cluster.start(ORG);
    url = cluster.node(ORG).url;
    await waitFor('API up', async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok);
  }, 60_000);

  afterAll(async () => {
    await cluster?.destroy();
    await idp.stop();
  });

  it("accepts a token of the org's own IdP from node.json auth.jwks", async () => {
    const token = await signIdpToken(idpKey, { iss: IDP_ISSUER, aud: 'waybill-test' });
    const res = await fetch(`${url}/capture/${'0'.repeat(64)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(404); // authenticated and authorized; there is no such capture
    const other = await signIdpToken(idpKey, { iss: 'https://elsewhere.example', aud: 'waybill-test' });
    const refused = await fetch(`${url}/capture/x`, { headers: { authorization: `Bearer ${other}` } });
    expect(refused.status).toBe(401);
  });

  async function send(c: BadInputCase) {
    const authorization = c.authorization ?? (c.token ? `Bearer ${await tokenOf(keys, c.token)}` : undefined);
    return rawRequest(url, {
      method: c.method,
      path: c.url,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(c.contentType ? { 'content-type': c.contentType } : {}),
      },
      body: c.body,
    });
  }

  // Cases only the real node decides: the document validation behind the HTTP layer.
  const REAL_ONLY: BadInputCase[] = [
    {
      name: 'null document',
      method: 'POST',
      url: '/capture',
      token: 'writer',
      contentType: 'application/json',
      body: 'null',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'array as document',
      method: 'POST',
      url: '/capture',
      token: 'writer',
      contentType: 'application/json',
      body: '[]',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'string as event',
      method: 'POST',
      url: '/events',
      token: 'writer',
      contentType: 'application/json',
      body: '"ObjectEvent"',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ];

  it('answers every case of the bad-input catalogue over HTTP with its 4xx problem, and keeps serving', async () => {
    const failures: string[] = [];
    for (const c of [...BAD_INPUT_CASES, ...REAL_ONLY]) {
      const res = await send(c);
      const body = res.status < 500 && res.body ? (JSON.parse(res.body) as { code?: string }) : {};
      const type = String(res.headers['content-type']);
      if (res.status !== c.status || body.code !== c.code || !type.startsWith('application/problem+json')) {
        failures.push(`${c.name}: ${res.status} ${type} ${res.body.slice(0, 200)}`);
      }
    }
    // HTTP that only a raw socket sends: refused by Node's parser or answered before any route.
    for (const c of RAW_HTTP_CASES) {
      const res = await rawExchange(url, c.raw);
      const body = res.body.startsWith('{') ? (JSON.parse(res.body) as { code?: string }) : {};
      const type = String(res.headers['content-type']);
      if (res.status !== c.status || body.code !== c.code || !type.startsWith('application/problem+json')) {
        failures.push(`${c.name}: ${res.status} ${type} ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(cluster.unexpectedExits).toEqual([]);
  }, 60_000);

  // Issue 17 part 4, issue 19 scope 3: Node's fetch writes its whole body before it reads the
  // answer, so a node that closes the connection as soon as its 413 is written makes fetch fail
  // with EPIPE instead of showing the answer. Twice: the connection must serve again afterwards.
  it('gives a 20 MB body sent by fetch its 413 problem, not EPIPE or a reset', async () => {
    const token = await tokenOf(keys, 'writer');
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}/capture`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/ld+json' },
        body: `{"a":"${'x'.repeat(20 * 1024 * 1024)}"}`,
      });
      expect(res.status, await res.clone().text()).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  }, 60_000);

  it('finishes an in-flight request on SIGTERM before it exits 0', async () => {
    const [event] = commissioningDocument(1).epcisBody.eventList;
    const token = await tokenOf(keys, 'writer');
    const started = Date.now();
    // rawRequest never retries: a reset connection is the failure this test looks for.
    const inFlight = rawRequest(url, {
      method: 'POST',
      path: '/events',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    // The capture is acknowledged and waits up to 5 s for a block that cannot come.
    await new Promise((r) => setTimeout(r, 1_000));
    const child = cluster.node(ORG).process;
    const exited = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));
    await cluster.stop(ORG, 'SIGTERM');
    const res = await inFlight;
    expect(res.status, res.body).toBe(202);
    expect(JSON.parse(res.body).captureID).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    expect(await exited).toBe(0);
    const log = readFileSync(join(cluster.dir, `${ORG}.log`), 'utf8');
    // Stopping began while the capture was still waiting: it was answered during the shutdown.
    const stopping = log.indexOf('"signal":"SIGTERM"');
    expect(stopping).toBeGreaterThan(0);
    expect(log.indexOf('"statusCode":202', stopping)).toBeGreaterThan(stopping);
    expect(log.indexOf('node stopped', stopping)).toBeGreaterThan(log.indexOf('"statusCode":202', stopping));
  }, 30_000);
});
