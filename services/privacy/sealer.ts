import { createHmac } from 'node:crypto';
import type { EncryptionPublicKey } from '../crypto/index.js';
import type { CaptureTxBody } from '../ledger/index.js';
import type { KeyRing } from './checks.js';
import { type SealedEvent, sealCaptureKeeping } from './seal.js';
import type { TierBook } from './tiers.js';

/** What a node needs to seal its own captures. */
export interface SealingConfig {
  /** The members' encryption keys (genesis). */
  keys: KeyRing;
  /** The public view's members at each height (the member book's, node/sealing.ts). */
  tiers: TierBook;
  /**
   * The org's secret for eventIDs it assigns (derived from its node key, never leaving the node):
   * a CBV event hash is an unsalted hash of the whole event, sealed fields included, so anyone
   * could confirm a guess of a purchase order against it. A sealed network publishes
   * urn:uuid:HMAC(secret, hash) instead; the same event gets the same id, so retries stay one event.
   */
  eventIdSecret: Uint8Array;
  /**
   * What this node sealed, by transaction id, until its unsealer stores it after the commit
   * (instead of decrypting its own captures and checking them again); absent: it opens them all.
   */
  sealedHere?: SealedHere;
}

/** An event this node sealed, as it stores it once committed: its position, seed and JSON text. */
export interface KeptEvent {
  index: number;
  seed: string;
  text: string;
}

/** Events of this node's own sealed captures, kept in memory between sealing and the commit. */
export class SealedHere {
  private readonly byTx = new Map<string, KeptEvent[]>();

  constructor(private readonly limit = 10_000) {}

  /**
   * Kept as the JSON text sealed_events stores, not as the parsed events: they wait for their
   * block for seconds, and a graph of small objects that old is copied by every young-generation
   * collection meanwhile, one flat string per event is not.
   */
  put(txId: string, events: readonly SealedEvent[]): void {
    this.byTx.set(
      txId,
      events.map((e) => ({ index: e.index, seed: e.seed, text: JSON.stringify(e.event) })),
    );
    // A capture that never commits (evicted from the mempool) must not be kept for ever.
    if (this.byTx.size > this.limit) this.byTx.delete(this.byTx.keys().next().value as string);
  }

  /** The events of `txId` when this node sealed it since it started, once. */
  take(txId: string): KeptEvent[] | undefined {
    const events = this.byTx.get(txId);
    this.byTx.delete(txId);
    return events;
  }
}

/** The secret behind a node's sealed eventIDs: HMAC-SHA256(node seed, label), so no new key file. */
export function eventIdSecretOf(seed: Uint8Array): Uint8Array {
  return createHmac('sha256', seed).update('waybill/sealed-event-id/v1').digest();
}

/** urn:uuid (RFC 9562 version 8, vendor-specific) of the first 16 bytes of HMAC(secret, hashId). */
export function sealedEventId(secret: Uint8Array, hashId: string): string {
  const b = createHmac('sha256', secret).update(hashId).digest().subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x80;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The key an org seals to at `height`: its newest key active by then and not retired. */
export function activeKeyOf(keys: KeyRing, org: string, height: number): EncryptionPublicKey | undefined {
  let best: EncryptionPublicKey | undefined;
  for (const key of keys.values()) {
    if (key.org !== org || key.from > height || (key.until !== undefined && key.until <= height)) continue;
    if (!best || key.from >= best.from) best = key;
  }
  return best;
}

/**
 * Seals a plaintext capture body, for a block at `height` (the submitting node's next height), to
 * the recipients `recipientsOf` names per public view (the submitting node computes them from its
 * committed state, as execution will; a race with another capture that moves the goods is a
 * SEALED_RECIPIENTS rejection the client retries). The views resolve parties and sites against
 * the members at `height`; execution refuses the capture (SEALED_STALE_VIEW) if those differ at
 * the height it is ordered at.
 */
export function sealBody(
  body: CaptureTxBody,
  config: SealingConfig,
  height: number,
  recipientsOf: (view: Record<string, unknown>, index: number) => readonly string[],
): Promise<{ body: CaptureTxBody; events: SealedEvent[] }> {
  const tiers = config.tiers.at(height);
  return sealCaptureKeeping(body, {
    tiers,
    keyOf: (org) => activeKeyOf(config.keys, org, height),
    recipientsOf,
    // Which members the views resolve against (docs/privacy.md); left out while they are
    // genesis's, so a network whose members never changed seals exactly as before.
    viewHeight: tiers.membersKey === config.tiers.at(0).membersKey ? undefined : height,
  });
}
