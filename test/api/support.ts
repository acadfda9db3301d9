import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { importJWK, SignJWT } from 'jose';
import { expect } from 'vitest';
import {
  type ApiDeps,
  type BuildApiOptions,
  buildApi,
  type CaptureJob,
  type DryRunResult,
  type EventCaptureOutcome,
  type EventStatus,
  type EvidenceRecord,
  generateIssuerKey,
  type NodeStatus,
  type ObjectState,
  type PrivateJwk,
  problemType,
  type RuleFile,
  type RuleSetList,
  type Schemas,
  type SubmitContext,
} from '../../services/api/index.js';
import { ErrorCode, WaybillError } from '../../services/common/index.js';
import type { Genesis, IdentityProvider, PublicJwk } from '../../services/config/index.js';
import type { EpcisEvent } from '../../services/ledger/index.js';
import { NodeMetrics } from '../../services/node/metrics.js';
import { PAGE_MAX_BYTES, type QueryBackend } from '../../services/query/index.js';
import { DestPolicy, SecretBox } from '../../services/subscriptions/index.js';
import { checkResponse } from './response-contract.js';

export const NETWORK = 'waybill-test';
/** The org whose node the API under test belongs to. */
export const ORG = 'greenfield-farms';
/** Another member. */
export const OTHER = 'valley-packers';
/** Not a member: its key is not among the issuers. */
export const OUTSIDER = 'rogue-traders';
export const BODY_LIMIT = 4096;

export type Keys = Record<string, PrivateJwk>;

export async function makeKeys(): Promise<{ keys: Keys; issuers: Map<string, PublicJwk> }> {
  const keys: Keys = {};
  const issuers = new Map<string, PublicJwk>();
  for (const org of [ORG, OTHER, OUTSIDER]) {
    const { privateJwk, publicJwk } = await generateIssuerKey(org);
    keys[org] = privateJwk;
    if (org !== OUTSIDER) issuers.set(org, publicJwk);
  }
  return { keys, issuers };
}

export interface MintOptions {
  org?: string;
  /** Signing key; defaults to the key of `org`. */
  key?: PrivateJwk;
  sub?: string;
  roles?: unknown;
  aud?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Seconds from now of `nbf`, for a token not yet valid. */
  notBefore?: number;
}

/** Signs test tokens directly with jose, so they can be wrong in ways issueToken refuses to be. */
export async function mint(keys: Keys, o: MintOptions = {}): Promise<string> {
  const org = o.org ?? ORG;
  const jwk = o.key ?? keys[org];
  if (!jwk) throw new Error(`no key for ${org}`);
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ roles: o.roles ?? ['events:write', 'events:read'] });
  if (o.notBefore !== undefined) jwt.setNotBefore(now + o.notBefore);
  return jwt
    .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
    .setIssuer(org)
    .setAudience(o.aud ?? NETWORK)
    .setSubject(o.sub ?? 'test-erp')
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expiresIn ?? 300))
    .sign(await importJWK(jwk, 'EdDSA'));
}

/** In-memory ApiDeps that record what the API asked of them. */
export class FakeNode {
  readonly submits: Array<{ document: unknown; ctx: SubmitContext }> = [];
  readonly jobs = new Map<string, CaptureJob>();
  readonly events = new Map<string, EpcisEvent>();
  readonly statuses = new Map<string, EventStatus>();
  readonly evidence: EvidenceRecord[] = [];
  readonly eventCaptures: Array<{ event: unknown; ctx: SubmitContext }> = [];
  /** What POST /events answers; tests replace it. */
  captureEvent: (event: unknown, ctx: SubmitContext) => Promise<EventCaptureOutcome> = async () => ({
    kind: 'pending',
    captureID: 'c1',
    eventID: 'e1',
  });
  ready = true;
  /** Throws like the node does while its disk is full; by default the disk has room. */
  checkWritable: () => void = () => {};
  status: NodeStatus = {
    org: ORG,
    network: NETWORK,
    height: 7,
    view: 0,
    leader: OTHER,
    peers: [{ org: OTHER, peerId: '12D3KooWtest', connected: true }],
    lastBlockTime: '2026-11-24T10:00:00.000Z',
  };
  readonly objects = new Map<string, ObjectState>();
  readonly alerts: Schemas['Alert'][] = [];
  /** What a state proof answers; tests replace it. */
  proofState: (key: string) => Schemas['StateProof'] | undefined = () => undefined;
  readonly proposals: RuleFile[][] = [];
  ruleSets: RuleSetList['ruleSets'] = [];
  /** What a dry run answers; tests replace it. */
  dryRun = (_document: unknown, _ctx: SubmitContext): DryRunResult => ({
    dryRun: true,
    success: true,
    events: [],
    errors: [],
  });
  /** The event index; tests of the query routes put a real one over a store here (test/api/query-support.ts). */
  query: QueryBackend = noQueryBackend();
  /** The node's real metrics registry, so tests can read what the API counted. */
  readonly metrics = new NodeMetrics();
  /** node.json `auth.jwks`, as the node passes it to buildApi. */
  identityProviders: IdentityProvider[] = [];
  /** Largest accepted body, as the node reports it to buildApi. */
  bodyLimit = BODY_LIMIT;
  /**
   * Where webhooks may go: no internal range allowed, as on a node with no allowance in node.json.
   * Names resolve to a public address without DNS (`resolved` maps exceptions).
   */
  readonly resolved = new Map<string, string[]>();
  destPolicy = new DestPolicy({
    resolve: async (host) => this.resolved.get(host) ?? ['93.184.215.14'],
  });
  readonly secretBox = SecretBox.fromKey(randomBytes(32));
  /** Replace to make capture fail. */
  submit = async (_document: unknown, _ctx: SubmitContext) => ({ captureID: 'c0ffee' });

  /** GET /genesis: the members are the token issuers, with made-up node keys. */
  readonly genesis: Genesis;

  constructor(readonly issuers: ReadonlyMap<string, PublicJwk>) {
    this.genesis = {
      network: NETWORK,
      timestamp: 1_764_000_000_000,
      members: [...issuers].map(([id, jwk], i) => ({
        id,
        name: id,
        parties: [],
        locations: [],
        publicKey: String(i).repeat(64),
        peerId: `peer-${id}`,
        jwtIssuerKey: jwk,
        host: '127.0.0.1',
        apiPort: 8081 + i,
        p2pPort: 9081 + i,
      })),
      consensus: {} as Genesis['consensus'],
      rules: [],
    };
  }

  deps(): ApiDeps {
    return {
      network: NETWORK,
      org: ORG,
      issuers: this.issuers,
      identityProviders: this.identityProviders,
      bodyLimit: this.bodyLimit,
      genesis: () => this.genesis,
      companyPrefixes: [],
      capture: {
        submit: (document, ctx) => {
          this.submits.push({ document, ctx });
          return this.submit(document, ctx);
        },
        dryRun: (document, ctx) => this.dryRun(document, ctx),
        job: (id) => this.jobs.get(id),
      },
      objects: {
        get: (id) => this.objects.get(id),
        alerts: (_org, after, limit) => this.alerts.filter((a) => a.seq > after).slice(0, limit),
      },
      governance: {
        list: () => ({ quorum: 3, ruleSets: this.ruleSets }),
        propose: async (files) => {
          this.proposals.push(files);
          return { txId: 'tx-propose', hash: 'ab'.repeat(32) };
        },
        approve: async (hash) => {
          if (!this.ruleSets.some((r) => r.hash === hash))
            throw new WaybillError(ErrorCode.NotFound, `no proposal ${hash}`);
          return { txId: 'tx-approve', hash };
        },
      },
      membership: {
        members: () => ({ height: 1, quorum: 3, validators: 4, members: [], proposals: [] }),
        proposeMember: async () => ({ txId: 'tx-member', hash: 'cd'.repeat(32) }),
        grants: () => ({ height: 1, quorum: 3, grants: [], proposals: [] }),
        proposeGrant: async () => ({ txId: 'tx-grant', hash: 'ef'.repeat(32) }),
        approve: async (_subject, hash) => {
          throw new WaybillError(ErrorCode.UnknownProposal, `no proposal ${hash}`);
        },
      },
      captureLimit: 10_000,
      events: {
        capture: (event, ctx) => {
          this.eventCaptures.push({ event, ctx });
          return this.captureEvent(event, ctx);
        },
        get: (id) => this.events.get(id),
        status: (id) => this.statuses.get(id),
        namespaces: () => ({}),
      },
      evidence: { list: () => this.evidence },
      // An empty ledger; test/api/proofs.test.ts serves proofs from a real one.
      proofs: { event: () => undefined, block: () => undefined, state: (key) => this.proofState(key) },
      query: this.query,
      webhooks: {
        checkDest: async (dest) => {
          await this.destPolicy.addresses(new URL(dest));
        },
        seal: (secret, id) => this.secretBox.seal(secret, id),
      },
      node: {
        status: () => this.status,
        ready: () => this.ready,
        metrics: async () => ({
          contentType: this.metrics.registry.contentType,
          body: await this.metrics.registry.metrics(),
        }),
        observeRequest: (operation, status, seconds) =>
          this.metrics.observeRequest(operation, status, seconds),
        checkWritable: () => this.checkWritable(),
        // A stand-in file; a real ledger's backup: test/integration/backup.test.ts.
        backup: async () => {
          const file = join(mkdtempSync(join(tmpdir(), 'waybill-fake-backup-')), 'ledger.sqlite');
          writeFileSync(file, 'SQLite format 3\0');
          return {
            file,
            bytes: 16,
            height: 0,
            remove: () => rmSync(dirname(file), { recursive: true, force: true }),
          };
        },
      },
    };
  }
}

/** For harnesses whose tests never query: any use fails the test loudly. */
function noQueryBackend(): QueryBackend {
  const fail = (): never => {
    throw new Error('this harness has no query backend; set FakeNode.query');
  };
  return {
    events: fail,
    pageMaxBytes: PAGE_MAX_BYTES,
    vocabulary: fail,
    trace: fail,
    // A harness without an index serves what it holds to every caller: visibility is tested over
    // real stores (test/integration/visibility.test.ts).
    eventAccess: () => 'full',
    objectAccess: () => 'full',
    rejections: fail,
    captureJobs: fail,
    runningCaptureJobs: fail,
    namedQueries: { add: fail, get: fail, list: fail, remove: fail },
    subscriptions: { add: fail, get: fail, list: fail, remove: fail },
  };
}

export interface Harness {
  app: FastifyInstance;
  node: FakeNode;
  keys: Keys;
  /** A token of ORG with events:write and events:read unless told otherwise. */
  token(o?: MintOptions): Promise<string>;
  /** Injects with `Authorization: Bearer <token>` when a token is given. */
  call(opts: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
}

export async function harness(opts: BuildApiOptions = {}): Promise<Harness> {
  const { keys, issuers } = await makeKeys();
  const node = new FakeNode(issuers);
  const app = buildApi(node.deps(), opts);
  return {
    app,
    node,
    keys,
    token: (o) => mint(keys, o),
    call: async ({ token, headers, ...rest }) => {
      const res = await app.inject({
        ...rest,
        headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
      checkResponse(rest.method ?? 'GET', String(rest.url ?? '/'), res);
      return res;
    },
  };
}

export const DOCUMENT = {
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-11-24T10:00:00.000Z',
  epcisBody: { eventList: [{ type: 'ObjectEvent', action: 'ADD', eventTime: '2026-11-24T10:00:00.000Z' }] },
};

/** A capture request with a JSON-LD body, as EPCIS clients send it. */
export function capture(
  token: string | undefined,
  payload: unknown = DOCUMENT,
  headers: Record<string, string> = {},
) {
  return {
    method: 'POST' as const,
    url: '/capture',
    token,
    headers: { 'content-type': 'application/ld+json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  };
}

export const NO_SUCH_NAME = 'epcisException:NoSuchNameException';

/**
 * Asserts an RFC 9457 problem with the given status and code, and returns its body. `type` is the
 * code's problem type unless given (an unknown named query is GS1's NoSuchNameException).
 */
export function expectProblem(
  res: LightMyRequestResponse,
  status: number,
  code: string,
  type = problemType(code as ErrorCode),
): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({
    status,
    code,
    type,
  });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}
