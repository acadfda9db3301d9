import type { Genesis, IdentityProvider, PublicJwk } from '../config/index.js';
import type { CaptureError } from '../execution/index.js';
import type { EpcisEvent, SubmitContext } from '../ledger/index.js';
import type { CaptureJob, EventStatus, QueryBackend } from '../query/index.js';
import type { Schemas } from './openapi.js';

/** Domain types the HTTP layer serves; they live in the domain that owns them. */
export type { CaptureError, CaptureJob, EventStatus, SubmitContext };

/** Roles carried in a token's `roles` claim. */
export type Role = 'events:write' | 'events:read' | 'admin';

/** A verified caller. */
export interface Principal {
  /** JWT `sub`: the API client. */
  sub: string;
  /** JWT `iss`: the org whose issuer key signed the token. */
  org: string;
  roles: Role[];
}

export interface PeerStatus {
  org: string;
  peerId: string;
  connected: boolean;
}

/** GET /status. */
export interface NodeStatus {
  org: string;
  network: string;
  height: number;
  view: number;
  leader: string;
  peers: PeerStatus[];
  /** ISO 8601 timestamp of the last committed block, or null before the first. */
  lastBlockTime: string | null;
}

export type EventCaptureOutcome =
  | { kind: 'accepted'; status: EventStatus }
  | { kind: 'pending'; captureID: string; eventID: string };

/** GET /evidence: one member's two conflicting signed messages, committed on the ledger. */
export type EvidenceRecord = Schemas['EvidenceRecord'];
export type DryRunResult = Schemas['DryRunResult'];
export type ObjectState = Schemas['ObjectState'];
export type RuleSetList = Schemas['RuleSetList'];
export type RuleFile = Schemas['RuleFile'];
export type GovernanceAccepted = Schemas['GovernanceAccepted'];

/**
 * Public issuer keys of the member orgs, by org id. A node passes a live view of the member set
 * (members join, leave and rotate keys by governance), so it is read on every verification.
 */
export interface IssuerKeys {
  /** The org's key while it is a member (undefined otherwise: membership is asked this way). */
  get(org: string): PublicJwk | undefined;
}

/** Everything the HTTP layer needs from the node; passed in, so tests use fakes. */
export interface ApiDeps {
  network: string;
  /** This node's org id: only its tokens may write. */
  org: string;
  /** Token issuer public keys of every member org, by org id: the member set in force now. */
  issuers: IssuerKeys;
  /** External IdPs whose tokens act for a member org (node.json `auth.jwks`). */
  identityProviders: readonly IdentityProvider[];
  /** Largest accepted request body in bytes (413 above it). */
  bodyLimit: number;
  /** The genesis this node runs (GET /genesis): public, shared by every member. */
  genesis(): Genesis;
  /**
   * GS1 Company Prefixes of trading partners (node.json gs1.companyPrefixes), besides the
   * members' own in genesis: GS1-EPC-Format: Always_EPC_URN translates their Digital Links.
   */
  companyPrefixes: readonly string[];
  capture: {
    /**
     * Validates and submits an EPCISDocument. Throws WaybillError: VALIDATION_FAILED (400, with
     * meta.errors [{field, message}]), MEMPOOL_FULL (429, meta.retryAfterSeconds).
     */
    submit(document: unknown, ctx: SubmitContext): Promise<{ captureID: string }>;
    /** Verdicts the document would get against the committed state; throws like submit. */
    dryRun(document: unknown, ctx: SubmitContext): DryRunResult;
    /** The job when `org` captured it (a capture job is its capturer's alone), else undefined. */
    job(captureID: string, org: string): CaptureJob | undefined;
  };
  objects: {
    /** Current custody state of an object named by EPC URI or GS1 Digital Link URI. */
    get(id: string): ObjectState | undefined;
    /**
     * Cold-chain alerts recorded by the custody contracts, oldest first, after seq `after`: those
     * raised by events `org` receives.
     */
    alerts(org: string, after: number, limit: number): Schemas['Alert'][];
  };
  governance: {
    list(): RuleSetList;
    /** Throws VALIDATION_FAILED when the files do not compile. */
    propose(files: RuleFile[]): Promise<GovernanceAccepted>;
    /** Throws NOT_FOUND for an unknown proposal. */
    approve(hash: string): Promise<GovernanceAccepted>;
  };
  /**
   * Governance of members and auditor grants (execution/membership.ts). Proposals and approvals
   * throw WaybillError with the ledger's refusal codes (NOT_A_VALIDATOR, MEMBER_INVALID, ...).
   */
  membership: {
    members(): Schemas['MemberList'];
    proposeMember(change: Schemas['MemberChangeProposal']): Promise<GovernanceAccepted>;
    grants(): Schemas['GrantList'];
    proposeGrant(grant: Schemas['AuditorGrant']): Promise<GovernanceAccepted>;
    approve(subject: 'member' | 'grant', hash: string): Promise<GovernanceAccepted>;
  };
  /** GS1-EPCIS-Capture-Limit: the most events one capture document may hold. */
  captureLimit: number;
  events: {
    /**
     * POST /events: captures one event and waits a while for the block that decides it. Throws
     * WaybillError CONFLICT (the eventID exists) or EVENT_REJECTED (meta.reason), like submit.
     */
    capture(event: unknown, ctx: SubmitContext): Promise<EventCaptureOutcome>;
    /**
     * A committed event (with recordTime), or undefined; `public`: a sealed event's public view only,
     * even where this node holds the rest (docs/privacy.md).
     */
    get(eventID: string, view?: 'whole' | 'public'): EpcisEvent | undefined;
    status(eventID: string): EventStatus | undefined;
    /**
     * prefix -> namespace URI declared by the @context of the capture an accepted event came in
     * (empty when none): the EPCIS XML binding writes extension fields in their namespaces.
     */
    namespaces(eventID: string): Readonly<Record<string, string>>;
  };
  evidence: {
    /** Committed evidence, oldest first. */
    list(): EvidenceRecord[];
  };
  /** Verifiable proofs (docs/proofs.md) and the certified blocks they are anchored in. */
  proofs: {
    /**
     * The proof of an accepted event, or of a rejected event's verdict; undefined while pending or
     * unknown. Throws NOT_READY while a verdict is not yet certified by the next block.
     */
    event(
      eventID: string,
      disclose?: readonly string[],
    ): Schemas['EventProof'] | Schemas['VerdictProof'] | undefined;
    /** A proof of an object's custody state (key `object:<canonical id>`); throws NOT_READY. */
    state(key: string): Schemas['StateProof'] | undefined;
    /** A committed block's hash, header, certificate and transaction ids. */
    block(height: number): Schemas['BlockSummary'] | undefined;
  };
  /** EPCIS queries, named queries, trace and the audit lists, from the node's event index. */
  query: QueryBackend;
  /** Webhook subscriptions: where they may go, and how their secrets are kept. */
  webhooks: {
    /** Resolves dest and throws DESTINATION_NOT_ALLOWED when it reaches an internal address. */
    checkDest(dest: string): Promise<void>;
    /** The signatureToken as the subscriptions table keeps it (encrypted, bound to the subscription id). */
    seal(secret: string, subscriptionID: string): string;
  };
  node: {
    status(): NodeStatus;
    /** Synced and connected to at least 2f peers. */
    ready(): boolean;
    /** Prometheus exposition of the node's metrics. */
    metrics(): Promise<{ contentType: string; body: string }>;
    /** Counts one answered request: its OpenAPI operationId (or 'unknown'), status and duration. */
    observeRequest(operation: string, status: number, seconds: number): void;
    /** Throws INSUFFICIENT_STORAGE (507) while the data directory's disk is full. */
    checkWritable(): void;
    /** A consistent copy of the ledger in a temporary file, removed by `remove` once sent. */
    backup(): Promise<{ file: string; bytes: number; height: number; remove(): void }>;
  };
}
