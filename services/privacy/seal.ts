import { HmacSha256, hashOf, sameCanonical } from '../common/index.js';
import type { EncryptionPublicKey } from '../crypto/index.js';
import type { CaptureTxBody, SealedGroup } from '../ledger/index.js';
import { SEALED_KEY } from '../verify/index.js';
import { eventSeedOf, fieldRoot, newSeed, SEAL_VERSION } from './commitment.js';
import { encryptSealed, type GeneralJWE, sealedAad } from './jwe.js';
import { mergeSealed, type SealedPart, sealedPartOf } from './sealed-part.js';
import { publicView, sealedFields, type TierContext } from './tiers.js';

/**
 * Turns a capture's plaintext body into its sealed body (docs/privacy.md): each event becomes its
 * public view plus `wb:sealed: {root, group}`; the events with the same recipients form a group
 * whose sealed parts, seeds, the document header and the submitter are one JWE to those recipients.
 */

/** The document fields every member sees; the rest (header, sender, receiver...) is sealed. */
export const PUBLIC_DOCUMENT_FIELDS = ['@context', 'type', 'schemaVersion', 'creationDate'] as const;

/**
 * One event in a group's JWE: its position in eventList and what its public view does not show
 * (sealed-part.ts). Its seed is derived from the group's (eventSeedOf), so it takes no room here;
 * version 1 carried `seed` and `event` (the event as captured, whole), which are still read, and
 * `event` is still written when the part would not give the event back exactly.
 */
export type SealedPlainEvent = { index: number; seed?: string; event?: Record<string, unknown> } & SealedPart;

/** What one group's JWE holds. */
export interface SealedPlain {
  /** 3: field trees of version 3 (commitment.ts); 2: of version 2; 1: each event's own seed. */
  v: 1 | 2 | 3;
  /** Version 2: the group's seed, from which each event's seed is derived. */
  seed?: string;
  /** The API client that posted the document (JWT sub). */
  submitter: string;
  /** The document's fields other than the public ones and epcisBody. */
  document: Record<string, unknown>;
  /** The group's events, by position in eventList, each with its sealed part. */
  events: SealedPlainEvent[];
}

/** What the ciphertext carries of `event`: its sealed part, or the event whole if the part cannot rebuild it. */
function plainEvent(
  index: number,
  event: Record<string, unknown>,
  view: Record<string, unknown>,
): SealedPlainEvent {
  const part = sealedPartOf(event, view);
  const rebuilt = mergeSealed(view, part);
  return sameCanonical(rebuilt, event) ? { index, ...part } : { index, event };
}

export interface SealDeps {
  tiers: TierContext;
  /** The key a capture seals to for `org` now, or undefined when it has none. */
  keyOf(org: string): EncryptionPublicKey | undefined;
  /** The members that must receive an event, given its public view and position. */
  recipientsOf(view: Record<string, unknown>, index: number): readonly string[];
  /** The height whose members `tiers` resolves against, when not genesis's (CaptureTxBody.viewHeight). */
  viewHeight?: number | undefined;
}

export async function sealCapture(body: CaptureTxBody, deps: SealDeps): Promise<CaptureTxBody> {
  return (await sealCaptureKeeping(body, deps)).body;
}

/** An event as its recipients hold it once opened (open.ts OpenedEvent): the original and its seed. */
export interface SealedEvent {
  index: number;
  eventID: string;
  event: Record<string, unknown>;
  seed: string;
}

/**
 * sealCapture, and what the sealing node's own opening of the capture would give: the capturer is
 * a recipient of every event it captures, so its node can keep the events it just committed to
 * instead of decrypting and checking them again after the commit (chain/sealed-capture.ts).
 */
export async function sealCaptureKeeping(
  body: CaptureTxBody,
  deps: SealDeps,
): Promise<{ body: CaptureTxBody; events: SealedEvent[] }> {
  const kept: SealedEvent[] = [];
  const document = body.document as Record<string, unknown> & { epcisBody: { eventList: unknown[] } };
  const events = document.epcisBody.eventList as Record<string, unknown>[];
  const groups = new Map<
    string,
    { index: number; orgs: string[]; roots: string[]; plain: SealedPlain; mac: HmacSha256 }
  >();
  const header: Record<string, unknown> = {};
  const publicDoc: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(document)) {
    if (k === 'epcisBody') continue;
    if ((PUBLIC_DOCUMENT_FIELDS as readonly string[]).includes(k)) publicDoc[k] = v;
    else header[k] = v;
  }
  const views = events.map((event, index) => {
    const view = publicView(event, deps.tiers);
    const orgs = [...new Set(deps.recipientsOf(view, index))].sort();
    const key = orgs.join('\n');
    let group = groups.get(key);
    if (!group) {
      const seed = newSeed();
      const plain: SealedPlain = {
        v: SEAL_VERSION,
        seed,
        submitter: body.submitter,
        document: header,
        events: [],
      };
      group = { index: groups.size, orgs, roots: [], plain, mac: new HmacSha256(Buffer.from(seed, 'hex')) };
      groups.set(key, group);
    }
    const seed = eventSeedOf(group.mac, index, SEAL_VERSION);
    const root = fieldRoot(seed, sealedFields(event, view));
    kept.push({ index, eventID: event.eventID as string, event, seed });
    group.roots.push(root);
    group.plain.events.push(plainEvent(index, event, view));
    return { ...view, [SEALED_KEY]: { root, group: group.index } };
  });
  const sealed: SealedGroup[] = [...groups.values()].map((group) => {
    const keys = group.orgs.map((org) => {
      const key = deps.keyOf(org);
      if (!key) throw new Error(`member ${org} has no encryption key to seal to`);
      return key;
    });
    keys.sort((a, b) => (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0));
    const plaintext = new TextEncoder().encode(JSON.stringify(group.plain));
    const jwe = encryptSealed(plaintext, sealedAad(body.network, body.org, group.roots), keys);
    return {
      kids: keys.map((k) => k.kid),
      digest: hashOf(jwe),
      jwe: jwe as unknown as Record<string, unknown>,
    };
  });
  const sealedBody: CaptureTxBody = {
    ...body,
    submitter: '',
    document: { ...publicDoc, epcisBody: { ...document.epcisBody, eventList: views } },
    sealed,
    ...(deps.viewHeight === undefined ? {} : { viewHeight: deps.viewHeight }),
  };
  return { body: sealedBody, events: kept };
}

/** The roots of a group's events, in eventList order: what its AAD binds. */
export function groupRoots(events: readonly Record<string, unknown>[], group: number): string[] {
  const out: string[] = [];
  for (const e of events) {
    const ref = e[SEALED_KEY] as { root?: unknown; group?: unknown } | undefined;
    if (ref?.group === group && typeof ref.root === 'string') out.push(ref.root);
  }
  return out;
}

export type { GeneralJWE };
