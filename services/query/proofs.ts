import { ErrorCode, hashOf, sha256, toHex, WaybillError } from '../common/index.js';
import type { Verify } from '../crypto/index.js';
import {
  type CommittedBlock,
  type EpcisEvent,
  eventsOf,
  isCapture,
  MemberSet,
  merkleProof,
  type Transaction,
} from '../ledger/index.js';
import { disclosureOf, publicView, sealedFields, type TierBook } from '../privacy/index.js';
import type { Store } from '../storage/index.js';
import {
  certificateSigners,
  type Disclosure,
  type EventProof,
  type GenesisKeys,
  type MemberChangeLink,
  PROOF_FORMAT,
  PROOF_FORMAT_V2,
  type ProofBlock,
  SEALED_KEY,
  type StateProof,
  type VerdictProof,
} from '../verify/index.js';

/** What proofs read of the member history (chain/member-book.ts MemberBook). */
export interface MemberHistory {
  at(height: number): MemberSet;
  changes(): ReadonlyArray<{ height: number; set: MemberSet }>;
}

/** Fields of a genesis-only member set that keys and roles do not depend on. */
const GENESIS_ONLY = {
  name: '',
  parties: [],
  locations: [],
  peerId: '',
  jwtIssuerKey: { kty: 'OKP' as const, crv: 'Ed25519' as const, x: '' },
  host: '',
  apiPort: 0,
  p2pPort: 0,
};

/**
 * Builds proofs from the committed ledger (docs/proofs.md). Everything in a proof is read back from
 * storage as committed; services/verify checks it with nothing but the genesis file.
 */
export class ProofQueries {
  private readonly network: string;
  private readonly members: MemberHistory;

  /** `members`: the member set at each height (chain/member-book.ts); default the genesis set throughout. */
  constructor(
    private readonly store: Store,
    genesis: GenesisKeys,
    private readonly verify: Verify,
    members?: MemberHistory,
    /** A sealed network's tiers (docs/privacy.md): disclosures need them. */
    private readonly tiers?: TierBook,
  ) {
    this.network = genesis.network;
    if (members) this.members = members;
    else {
      const set = new MemberSet(genesis.members.map((m) => ({ ...m, ...GENESIS_ONLY })));
      this.members = { at: () => set, changes: () => [] };
    }
  }

  /**
   * The certified chain of member-set changes up to block `height` (docs/proofs.md, "Member
   * changes"): for each change in force at height a ≤ `height`, block a-1, the last under the old
   * set, whose header names the new one.
   */
  private memberChanges(height: number): MemberChangeLink[] | undefined {
    const links: MemberChangeLink[] = [];
    for (const change of this.members.changes()) {
      if (change.height > height) break;
      const committed = this.store.getBlock(change.height - 1);
      if (!committed) throw new Error(`block ${change.height - 1} of a member change is not stored`);
      links.push({ block: this.certified(committed), members: change.set.keyList() });
    }
    return links.length > 0 ? links : undefined;
  }

  /**
   * An accepted event's proof of inclusion, or a rejected event's proof of its verdict; undefined
   * while pending or when unknown. Throws NOT_READY while the verdict's block has no successor yet.
   */
  event(eventID: string, disclose: readonly string[] = []): EventProof | VerdictProof | undefined {
    const stored = this.store.getEvent(eventID);
    if (!stored) {
      const rejection = this.store.lastRejection(eventID);
      if (rejection && disclose.length > 0) throw notSealedHere(eventID);
      return rejection && this.verdict(rejection.height, rejection.txId, eventID);
    }
    const committed = this.store.getBlock(stored.height);
    if (!committed) return undefined;
    const { txs } = committed.block;
    const index = txs.findIndex((t) => t.id === stored.txId);
    const tx = txs[index];
    if (!tx) return undefined;
    // The position the index recorded at commit: the copy that was accepted, even when a document
    // lists an eventID more than once.
    const eventIndex = stored.position;
    // A sealed event's proof proves its public view, which the transaction lists; the node may
    // serve the event whole to its recipients, but what was signed is the view.
    const listed = eventsOf(tx)[eventIndex];
    const sealed = listed?.[SEALED_KEY] !== undefined;
    const event: EpcisEvent = sealed
      ? { ...(listed as EpcisEvent), recordTime: new Date(committed.block.header.timestamp).toISOString() }
      : stored.event;
    const disclosures = disclose.length > 0 ? this.disclosures(tx, eventIndex, eventID, disclose) : undefined;
    return {
      format: disclosures ? PROOF_FORMAT_V2 : PROOF_FORMAT,
      ...(disclosures ? { disclosures } : {}),
      kind: 'event',
      network: this.network,
      ...this.chainTo(committed.block.header.height),
      block: this.certified(committed),
      inclusion: {
        index,
        count: txs.length,
        path: merkleProof(
          txs.map((t) => t.id),
          index,
        ),
      },
      tx,
      eventIndex,
      event,
    };
  }

  /** The sealed fields at `paths` of an event this node holds, with salts and Merkle paths. */
  private disclosures(
    tx: Transaction,
    index: number,
    eventID: string,
    paths: readonly string[],
  ): Disclosure[] {
    const held = this.tiers && this.store.sealed.heldAt(tx.id, index);
    if (!held || !this.tiers || !isCapture(tx)) throw notSealedHere(eventID);
    // The view the root was built over: resolved against the members of the capture's viewHeight.
    const view = publicView(held.event, this.tiers.at(tx.body.viewHeight ?? 0));
    const fields = sealedFields(held.event, view);
    return paths.map((path) => {
      const d = disclosureOf(held.seed, fields, path);
      if (!d) {
        throw new WaybillError(ErrorCode.SealedPathUnknown, `event ${eventID} seals no field ${path}`, {
          errors: [
            {
              field: 'disclose',
              message: `sealed paths of this event: ${fields.map((f) => f.path).join(', ')}`,
            },
          ],
        });
      }
      return d;
    });
  }

  /** The verdict of `eventID` in transaction `txId` of block `height`, under block height+1's root. */
  private verdict(height: number, txId: string, eventID: string): VerdictProof | undefined {
    const next = this.store.getBlock(height + 1);
    if (!next) throw notYetCertified(`the verdicts of block ${height} are`);
    const leaves = this.store.verdictLeaves(height);
    const index = leaves.findIndex((l) => l.tx === txId && l.eventID === eventID && l.status === 'rejected');
    const verdict = leaves[index];
    const tx = this.store.getTx(txId)?.tx;
    if (!verdict || !tx) return undefined;
    const path = merkleProof(
      leaves.map((l) => hashOf(l)),
      index,
    );
    return {
      format: PROOF_FORMAT,
      kind: 'verdict',
      network: this.network,
      ...this.chainTo(next.block.header.height),
      block: this.certified(next),
      verdict,
      inclusion: { index, count: leaves.length, path },
      tx,
      height,
    };
  }

  /**
   * The custody state of an object with a proof against the state root the tip block certifies.
   * The tip header certifies the state after its parent; that is the current state when the tip
   * block changed nothing, which the block following every busy block ensures.
   */
  state(key: string): StateProof | undefined {
    const { store } = this;
    // While the block writer thread writes a block, the ledger may be a block ahead of the
    // in-memory state tree that gives the bucket's path (storage/store.ts): no proof mixes them.
    if (store.blockWriteInProgress()) throw notYetCertified('the custody state being written is');
    const tip = store.tip();
    const committed = store.getBlock(tip.height);
    if (!committed) return undefined;
    if (committed.block.header.parentStateRoot !== store.custody.root()) {
      throw notYetCertified(`the custody state after block ${tip.height} is`);
    }
    const keyHash = sha256(key);
    const { bucket, entries, path } = store.custody.bucketOfKey(keyHash);
    const object = store.custody.getObject(key.slice('object:'.length));
    if (!object) return undefined;
    return {
      format: PROOF_FORMAT,
      kind: 'state',
      network: this.network,
      ...this.chainTo(committed.block.header.height),
      block: this.certified(committed),
      entry: { key, value: { ...object } },
      bucket: {
        index: bucket,
        entries: entries.map((e) => ({ keyHash: toHex(e.keyHash), leafHash: toHex(e.leafHash) })),
      },
      path: path.map(toHex),
    };
  }

  private chainTo(height: number): { memberChanges?: MemberChangeLink[] } {
    const memberChanges = this.memberChanges(height);
    return memberChanges ? { memberChanges } : {};
  }

  block(height: number): (ProofBlock & { txIds: string[] }) | undefined {
    const committed = this.store.getBlock(height);
    return committed && { ...this.certified(committed), txIds: committed.block.txs.map((t) => t.id) };
  }

  /**
   * Catch-up accepts a certificate with a quorum of valid signatures even if a peer padded it with
   * invalid ones; a proof lists only the signatures that count, which the verifier requires.
   */
  private certified(committed: CommittedBlock): ProofBlock {
    const { hash, block, certificate } = committed;
    const validators = this.members.at(block.header.height).votingKeys();
    const { counted } = certificateSigners(certificate, this.network, validators, this.verify);
    return { hash, header: block.header, certificate: { ...certificate, signatures: counted } };
  }
}

function notSealedHere(eventID: string): WaybillError {
  return new WaybillError(
    ErrorCode.SealedNotHeld,
    `this node holds no sealed fields of event ${eventID}; ask a node of one of its recipients (your own organisation's)`,
  );
}

function notYetCertified(what: string): WaybillError {
  return new WaybillError(
    ErrorCode.NotReady,
    `${what} not yet certified by a following block; retry in a moment`,
    { retryAfterSeconds: 1 },
  );
}
