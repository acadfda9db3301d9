import { fromHex } from '../common/index.js';
import type { Genesis } from '../config/index.js';
import { type Evidence, verifyEvidence } from '../consensus/index.js';
import { verify } from '../crypto/index.js';
import { DEFAULT_MAX_EVENTS, validateCaptureDocument } from '../epcis/index.js';
import {
  type CaptureTxBody,
  eventsOf,
  type InvalidCaptureEvent,
  idMatchesBody,
  type Transaction,
  verifyTx,
} from '../ledger/index.js';
import { rulesAreWellFormed } from './block-checks.js';
import type { RuleRegistry } from './rules-book.js';

const VERIFIED_CACHE = 50_000;

export interface TxCheckComponents {
  genesis: Genesis;
  rules: Pick<RuleRegistry, 'check'>;
}

/**
 * Transaction validity (checkTx): the same answer on every node for the same committed state.
 * Keeps the transactions already checked in full, so a block of gossiped transactions is not
 * verified twice.
 */
export class TxChecker {
  readonly memberKeys: Map<string, Uint8Array>;
  /**
   * Transactions already checked in full: id -> signature, oldest first. A map rather than a set
   * of "id:signature" strings, so a lookup builds no string.
   */
  private readonly verified = new Map<string, string>();

  constructor(private readonly c: TxCheckComponents) {
    this.memberKeys = new Map(c.genesis.members.map((m) => [m.id, fromHex(m.publicKey)]));
  }

  checkTx(tx: Transaction): boolean {
    // The cache may skip the signature and document checks, never the binding of id to body:
    // a faulty proposer could otherwise pair a known id with another body or signature.
    // idMatchesBody hashes each transaction object once (a re-check of the same object is free).
    if (!idMatchesBody(tx)) return false;
    if (this.verified.get(tx.id) === tx.signature) return true;
    const key = this.memberKeys.get(tx.body.org);
    if (!key || tx.body.network !== this.c.genesis.network) return false;
    if (!verifyTx(tx, key, verify) || !this.contentIsValid(tx)) return false;
    this.remember(tx);
    return true;
  }

  /** A transaction this node signed or checked: later checks of it are free. */
  remember(tx: Transaction): void {
    this.verified.set(tx.id, tx.signature);
    if (this.verified.size > VERIFIED_CACHE) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
  }

  private contentIsValid(tx: Transaction): boolean {
    const { body } = tx;
    switch (body.kind) {
      case 'evidence':
        return verifyEvidence(body.evidence as unknown as Evidence, body.network, this.memberKeys, verify);
      case 'rules_proposal':
        return rulesAreWellFormed(body.files) && this.c.rules.check(body.files).problems.length === 0;
      case 'rules_approval':
        return typeof body.hash === 'string' && /^[0-9a-f]{64}$/.test(body.hash);
      case 'capture': {
        const checked = validateCaptureDocument(body.document);
        return (
          checked.ok &&
          eventsOf(tx).every((e) => typeof e.eventID === 'string') &&
          invalidListIsWellFormed(body)
        );
      }
      default:
        return false;
    }
  }
}

/**
 * A peer's list of left-out events: proceed only, bounded like a document (the codec checked the
 * shape), positions increasing, so a faulty member cannot make every node store an unbounded list.
 */
function invalidListIsWellFormed(body: CaptureTxBody): boolean {
  const { invalid } = body;
  if (invalid === undefined) return true;
  if (body.errorBehaviour !== 'proceed' || invalid.length === 0 || invalid.length >= DEFAULT_MAX_EVENTS)
    return false;
  return invalid.every((e, i) => i === 0 || e.index > (invalid[i - 1] as InvalidCaptureEvent).index);
}

/** A transaction's size as the mempool counts it: its JSON. */
export function sizeOf(tx: Transaction): number {
  return Buffer.byteLength(JSON.stringify(tx));
}
