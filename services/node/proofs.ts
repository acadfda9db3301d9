import type { ApiDeps } from '../api/types.js';
import { fromHex, hashOf } from '../common/encoding.js';
import type { Verify } from '../crypto/index.js';
import { eventsOf } from '../execution/index.js';
import { type CommittedBlock, merkleProof } from '../ledger/index.js';
import type { Store } from '../storage/index.js';
import {
  certificateSigners,
  type EventProof,
  type GenesisKeys,
  PROOF_FORMAT,
  type ProofBlock,
} from '../verify/index.js';

type ProofDeps = ApiDeps['proofs'];

/**
 * Builds proofs from the committed ledger (docs/proofs.md). Everything in a proof is read back from
 * storage as committed; services/verify checks it with nothing but the genesis file.
 */
export class ProofQueries implements ProofDeps {
  private readonly network: string;
  private readonly members: ReadonlyMap<string, Uint8Array>;

  constructor(
    private readonly store: Store,
    genesis: GenesisKeys,
    private readonly verify: Verify,
  ) {
    this.network = genesis.network;
    this.members = new Map(genesis.members.map((m) => [m.id, fromHex(m.publicKey)]));
  }

  /** An accepted event's proof; undefined while pending, when unknown or rejected. */
  event(eventID: string): EventProof | undefined {
    const stored = this.store.getEvent(eventID);
    if (!stored) return undefined;
    const committed = this.store.getBlock(stored.height);
    if (!committed) return undefined;
    const { txs } = committed.block;
    const index = txs.findIndex((t) => t.id === stored.txId);
    const tx = txs[index];
    if (!tx) return undefined;
    // The copy that was accepted: a document may list an eventID more than once.
    const committedHash = hashOf(stored.event);
    const { recordTime } = stored.event;
    const eventIndex = eventsOf(tx).findIndex(
      (e) => e.eventID === eventID && hashOf({ ...e, recordTime }) === committedHash,
    );
    if (eventIndex < 0) return undefined;
    return {
      format: PROOF_FORMAT,
      kind: 'event',
      network: this.network,
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
      event: stored.event,
    };
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
    const { counted } = certificateSigners(certificate, this.network, this.members, this.verify);
    return { hash, header: block.header, certificate: { ...certificate, signatures: counted } };
  }
}
