import { hashOf } from '../common/index.js';
import type { CaptureTxBody } from '../ledger/index.js';
import { type SealingConfig, sealBody, sealedEventId } from '../privacy/index.js';
import type { Store } from '../storage/index.js';

/** One of this node's queued transactions (ledger-app.ts Submitted), as sealing hands it back. */
export interface SubmittedLike<T> {
  tx: { id: string };
  fresh: boolean;
  durable: Promise<void>;
  value?: T;
}

const IN_FLIGHT_LIMIT = 10_000;

/**
 * A sealed network's captures at the submitting node (docs/privacy.md): eventIDs it assigns become
 * keyed uuids, the body is sealed to each event's recipients as planned against the committed
 * state (privacy/recipients.ts RecipientPlan), and a retry of the same plaintext body returns the
 * transaction it became (capture_keys), although sealing draws fresh seeds and keys each time.
 */
export class SealedCaptures<S extends SubmittedLike<unknown>> {
  private readonly inFlight = new Map<string, Promise<S>>();

  constructor(
    private readonly config: SealingConfig,
    private readonly store: Store,
  ) {}

  /** Events without an eventID got a CBV hash as theirs: publish a keyed uuid instead. */
  eventIds<E extends { eventID: string }>(
    given: readonly { eventID?: unknown }[],
    assigned: readonly E[],
  ): E[] {
    return assigned.map((e, i) => {
      const original = given[i]?.eventID;
      if (typeof original === 'string' && original !== '') return e;
      return { ...e, eventID: sealedEventId(this.config.eventIdSecret, e.eventID) };
    });
  }

  async submit(
    body: CaptureTxBody,
    /** A plan of the recipients of this capture's events, asked in document order (RecipientPlan). */
    plan: () => (view: Record<string, unknown>) => readonly string[],
    height: number,
    submitOwn: (body: CaptureTxBody) => S,
    known: (txId: string) => S,
    /** Throws when the node takes no new capture now (Mempool.admit): asked before sealing. */
    admit: () => void = () => {},
  ): Promise<S> {
    const key = hashOf(body);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const committed = this.store.captureKey(key);
    if (committed) return known(committed);
    admit();
    const work: Promise<S> = this.seal(body, plan, height).then((sealed) => {
      const submitted = submitOwn(sealed.body);
      this.config.sealedHere?.put(submitted.tx.id, sealed.events);
      // In the pending transaction's own write (pending-log.ts): durable together, one fsync.
      const keyed = this.store.addCaptureKey(key, submitted.tx.id);
      const durable = Promise.all([submitted.durable, keyed]).then(() => undefined);
      // Once the capture key is on disk a retry finds it there: the sealed transaction (the whole
      // ciphertext) is not kept here any longer. Kept until then, 10,000 of them held gigabytes.
      durable.then(
        () => this.inFlight.get(key) === work && this.inFlight.delete(key),
        () => {},
      );
      return { ...submitted, durable };
    });
    this.inFlight.set(key, work);
    if (this.inFlight.size > IN_FLIGHT_LIMIT) {
      const oldest = this.inFlight.keys().next().value;
      if (oldest !== undefined) this.inFlight.delete(oldest);
    }
    work.catch(() => this.inFlight.delete(key));
    return work;
  }

  private seal(
    body: CaptureTxBody,
    plan: () => (view: Record<string, unknown>) => readonly string[],
    height: number,
  ) {
    // The recipients execution will require, planned from the public views (what every node
    // evaluates) and the committed state; sealBody asks for each event once, in order.
    return sealBody(body, this.config, height, plan());
  }
}
