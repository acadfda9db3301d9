import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { generateIssuerKey, type PrivateJwk } from '../../services/api/index.js';
import { DEFAULT_BODY_LIMIT } from '../../services/config/index.js';
import { Cluster, FAST_CONSENSUS } from '../support/cluster.js';
import { waitFor } from '../support/wait.js';
import type { Known, TokenVariant } from './requests.js';

/**
 * The node the fuzzer attacks: a real `waybill node start` process of a one-member network (it
 * commits on its own, so captures reach blocks and reads find them), with a few committed events,
 * a named query and, when the node allows it, a subscription, whose ids the requests reuse.
 */
export interface Target {
  url: string;
  pid: number | undefined;
  known: Known;
  /** The Authorization header of each token variant (undefined: none). */
  authorization: Record<TokenVariant, string | undefined>;
  /** The node's log, for the report when something fails. */
  logPath: string;
  close(): Promise<void>;
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

async function sign(key: PrivateJwk, claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ iat: now, exp: now + 24 * 3600, sub: 'fuzz', ...claims });
  jwt.setProtectedHeader({ alg: 'EdDSA', kid: key.kid, ...header } as { alg: string });
  return jwt.sign(await importJWK(key, 'EdDSA'));
}

/** Every Authorization variant: valid per role, and each way a token can be wrong. */
async function authorizations(key: PrivateJwk, org: string, network: string) {
  const claims = { iss: org, aud: network };
  const writer = await sign(key, { ...claims, roles: ['events:write', 'events:read'] });
  const outsider = (await generateIssuerKey('rogue-traders')).privateJwk;
  const now = Math.floor(Date.now() / 1000);
  const [head, payload] = writer.split('.') as [string, string];
  const unsigned = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
  const hsHeader = b64url(JSON.stringify({ alg: 'HS256', kid: key.kid }));
  const hsSig = createHmac('sha256', key.x).update(`${hsHeader}.${payload}`).digest('base64url');
  const adminPayload = b64url(JSON.stringify({ ...claims, sub: 'fuzz', roles: ['admin'], exp: now + 3600 }));
  const bearer = (t: string) => `Bearer ${t}`;
  const auth: Record<TokenVariant, string | undefined> = {
    none: undefined,
    writer: bearer(writer),
    reader: bearer(await sign(key, { ...claims, roles: ['events:read'] })),
    admin: bearer(await sign(key, { ...claims, roles: ['admin'] })),
    'no-roles': bearer(await sign(key, { ...claims, roles: [] })),
    'roles-not-array': bearer(await sign(key, { ...claims, roles: 'admin' })),
    expired: bearer(await sign(key, { ...claims, roles: ['admin'], iat: now - 7200, exp: now - 3600 })),
    'not-yet-valid': bearer(await sign(key, { ...claims, roles: ['admin'], nbf: now + 3600 })),
    'wrong-audience': bearer(await sign(key, { ...claims, aud: 'another-network', roles: ['admin'] })),
    'unknown-issuer': bearer(await sign(key, { ...claims, iss: 'rogue-traders', roles: ['admin'] })),
    'outsider-key': bearer(await sign(outsider, { ...claims, roles: ['admin'] }, { kid: key.kid })),
    'alg-none': bearer(unsigned),
    'hs256-public-key': bearer(`${hsHeader}.${payload}.${hsSig}`),
    tampered: bearer(`${head}.${adminPayload}.${writer.split('.')[2]}`),
    garbage: 'Bearer not-a-token',
    'three-dots': 'Bearer ...',
    'empty-bearer': 'Bearer ',
    basic: 'Basic ZnV6ejpmdXp6',
    'lowercase-scheme': `bearer ${writer}`,
    'no-scheme': writer,
    'two-tokens': `Bearer ${writer}, Bearer ${writer}`,
    huge: `Bearer ${'a'.repeat(8000)}`,
  };
  return { auth, writer: bearer(writer) };
}

/** Starts the node, seeds it, and returns what the fuzzer needs. */
export async function startTarget(): Promise<Target> {
  const cluster = await Cluster.create(1, FAST_CONSENSUS, { env: { WAYBILL_LOG_LEVEL: 'warn' } });
  try {
    const node = cluster.nodes[0];
    if (!node) throw new Error('no node');
    cluster.start(node.org);
    await cluster.waitReady(node.org);
    const key = JSON.parse(readFileSync(join(cluster.dir, 'net', node.org, 'jwt.key'), 'utf8')) as PrivateJwk;
    const { auth, writer } = await authorizations(key, node.org, 'waybill-test');
    const known = await seed(node.url, writer);
    return {
      url: node.url,
      pid: node.process?.pid,
      known,
      authorization: auth,
      logPath: join(cluster.dir, `${node.org}.log`),
      close: () => cluster.destroy(),
    };
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
}

const LOCATION = 'urn:epc:id:sgln:0614140.00001.0';

/** Commits a few events and creates a named query and a subscription; returns their ids. */
async function seed(url: string, authorization: string): Promise<Known> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
  };
  const epcs = Array.from({ length: 6 }, (_, i) => `urn:epc:id:sgtin:0614141.107346.${900_000 + i}`);
  const eventIDs = epcs.map((_, i) => `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const event = (i: number) => ({
    type: 'ObjectEvent',
    eventID: eventIDs[i],
    eventTime: '2026-11-24T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    epcList: [epcs[i]],
    readPoint: { id: LOCATION },
    bizLocation: { id: LOCATION },
  });
  const captured = await call('POST', '/capture', {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-11-24T10:00:00.000Z',
    epcisBody: { eventList: epcs.map((_, i) => event(i)) },
  });
  if (captured.status !== 202)
    throw new Error(`seeding capture: ${captured.status} ${JSON.stringify(captured.body)}`);
  const captureID = String(captured.body.captureID);
  await waitFor(
    'seed events committed',
    async () => (await call('GET', `/events/${encodeURIComponent(eventIDs[0] as string)}`)).status === 200,
    30_000,
  );
  const queryNames = ['fuzz-all', 'fuzz-epc'];
  await call('POST', '/queries', { name: 'fuzz-all', query: {} });
  await call('POST', '/queries', { name: 'fuzz-epc', query: { MATCH_epc: epcs[0] } });
  const sub = await call('POST', '/queries/fuzz-all/subscriptions', {
    dest: 'http://127.0.0.1:9/hook',
    stream: true,
  });
  const subscriptionIDs = sub.status === 201 ? [String(sub.body.subscriptionID)] : [];
  return {
    eventIDs,
    epcs,
    captureIDs: [captureID],
    queryNames,
    subscriptionIDs,
    locations: [LOCATION],
    bodyLimit: DEFAULT_BODY_LIMIT,
  };
}
