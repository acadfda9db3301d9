import type { JwksIssuerFile } from './auth-config.js';

/** node.json: one organisation's node. Relative paths resolve against the file's folder. */
export interface NodeConfigFile {
  org: string;
  genesis: string;
  nodeKeyFile: string;
  jwtKeyFile: string;
  /** The org's private X25519 encryption key (default enc.key beside nodeKeyFile; docs/privacy.md). */
  encKeyFile?: string;
  dataDir: string;
  /**
   * This org's member file (member.json, relative to node.json), written by `waybill member init`:
   * for a member admitted by governance (genesis does not list it) or one whose keys an `update`
   * rotated. Its description and node key stand for the genesis entry.
   */
  memberFile?: string;
  /**
   * `rateLimit`: requests a second each API client (a token's org and sub, else a remote address)
   * may make, and the burst it may send at once; 429 RATE_LIMITED past it. Default 2,000/s, burst 4,000.
   */
  api: { host: string; port: number; bodyLimit?: number; rateLimit?: { perSecond?: number; burst?: number } };
  p2p: { listen: string[] };
  mempool?: {
    maxTxs?: number;
    maxBytes?: number;
    maxCost?: number;
    backlogSeconds?: number;
    minCost?: number;
  };
  logLevel?: string;
  /**
   * Free bytes the data directory's disk keeps: below it the node refuses writes with 507
   * (default 64 MiB, node/disk-guard.ts).
   */
  diskReserveBytes?: number;
  /**
   * Webhook subscriptions. `allowedDestinations`: CIDR ranges a subscription's dest may reach
   * although they are internal (loopback, private, link-local...), e.g. ["10.20.0.0/16"]; none by
   * default. `secretKeyFile`: the key sealing signatureTokens (default subscriptions.key beside
   * nodeKeyFile; created 0600 at the first start when missing).
   */
  subscriptions?: { allowedDestinations?: string[]; secretKeyFile?: string };
  /**
   * GS1. `companyPrefixes`: GS1 Company Prefixes (6 to 12 digits each) of trading partners, so
   * GS1-EPC-Format: Always_EPC_URN can turn their GS1 Digital Links into EPC URIs (a Digital Link
   * does not say how long its company prefix is). The members' own prefixes come from genesis.
   */
  gs1?: { companyPrefixes?: string[] };
  /** External identity providers; checked when loaded (auth-config.ts). */
  auth?: { jwks?: JwksIssuerFile[] };
}
