import { HmacSha256, sameCanonical } from '../common/index.js';
import type { CaptureTxBody, EpcisEvent } from '../ledger/index.js';
import { SEALED_KEY } from '../verify/index.js';
import { eventSeedOf, fieldRoot } from './commitment.js';
import { type Decrypter, type GeneralJWE, sealedAad } from './jwe.js';
import { groupRoots, type SealedPlain } from './seal.js';
import { mergeSealed } from './sealed-part.js';
import { publicView, sealedFields, type TierContext } from './tiers.js';

/** An event of a sealed capture as its recipient holds it: the original and its seed. */
export interface OpenedEvent {
  index: number;
  eventID: string;
  event: Record<string, unknown>;
  seed: string;
}

export interface Opened {
  events: OpenedEvent[];
  /** Groups this node is a recipient of whose content does not match the capture (a seal fault). */
  faults: string[];
}

/**
 * A recipient opens the groups of a committed capture sealed to it, and checks what it finds: each
 * original's public view is the committed one and its sealed fields hash to the committed root.
 * A group that fails is a seal fault of the capturer (reported, its content not stored).
 */
export async function openCapture(
  body: CaptureTxBody,
  decrypter: Decrypter,
  tiers: TierContext,
): Promise<Opened> {
  const out: Opened = { events: [], faults: [] };
  const views = (body.document.epcisBody as { eventList: EpcisEvent[] }).eventList;
  const groups = body.sealed ?? [];
  // The groups sealed to this node, decrypted, then checked in order.
  const plaintexts = groups.map((group, g) => {
    const jwe = group.jwe as unknown as GeneralJWE;
    if (!decrypter.isRecipient(jwe)) return undefined;
    try {
      return decrypter.decrypt(jwe, sealedAad(body.network, body.org, groupRoots(views, g)));
    } catch (err) {
      return err as Error;
    }
  });
  for (const [g, plaintext] of plaintexts.entries()) {
    if (!plaintext) continue;
    try {
      if (plaintext instanceof Error) throw plaintext;
      const plain = JSON.parse(new TextDecoder().decode(plaintext)) as SealedPlain;
      const groupSeed = plain.seed === undefined ? undefined : new HmacSha256(Buffer.from(plain.seed, 'hex'));
      const opened = plain.events.map((entry) => {
        const { index, seed: own, event: whole, ...part } = entry;
        const committed = views[index];
        if (!committed) throw new Error(`event ${index} is not in the capture`);
        const seed = own ?? (groupSeed && eventSeedOf(groupSeed, index, plain.v));
        if (seed === undefined) throw new Error(`event ${index} has no seed`);
        // The event as captured: version 1 carried it whole, version 2 its sealed part only.
        const event = whole ?? mergeSealed(committed, part);
        const view = publicView(event, tiers);
        const root = fieldRoot(seed, sealedFields(event, view));
        const expected = { ...view, [SEALED_KEY]: { root, group: g } };
        if (!sameCanonical(expected, committed)) {
          throw new Error(`event ${index} does not match its public view or root`);
        }
        return { index, eventID: committed.eventID, event, seed };
      });
      out.events.push(...opened);
    } catch (err) {
      out.faults.push(`group ${g}: ${(err as Error).message}`);
    }
  }
  return out;
}
