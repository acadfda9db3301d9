import type { Genesis } from '../config/index.js';
import { type Evidence, verifyEvidence } from '../consensus/index.js';
import { verify } from '../crypto/index.js';
import { DEFAULT_MAX_EVENTS, validateCaptureDocument } from '../epcis/index.js';
import {
  type CaptureTxBody,
  eventsOf,
  type InvalidCaptureEvent,
  idMatchesBody,
  type MemberSet,
  type Transaction,
  type TxBody,
  verifyTx,
} from '../ledger/index.js';
import { rulesAreWellFormed } from './block-checks.js';
import type { MemberBook } from './member-book.js';
import type { RuleRegistry } from './rules-book.js';

const VERIFIED_CACHE = 50_000;

export interface TxCheckComponents {
  genesis: Genesis;
  rules: Pick<RuleRegistry, 'check'>;
  /** The member set at each height: whose key signs for an org at the block's height. */
  members: Pick<MemberBook, 'at'>;
  /** The height of the next block, for checks of gossiped transactions. */
  nextHeight: () => number;
}

/**
 * Transaction validity (checkTx): the same answer on every node for the same committed state.
 * Keeps the transactions already checked in full, so a block of gossiped transactions is not
 * verified twice.
 */
export class TxChecker {
  /**
   * Transactions already checked in full under the member set `verifiedUnder`: id -> signature,
   * oldest first. A map rather than a set of "id:signature" strings, so a lookup builds no string.
   * A new member set (a key rotated, a member removed) starts it afresh.
   */
  private readonly verified = new Map<string, string>();
  private verifiedUnder: MemberSet | undefined;

  constructor(private readonly c: TxCheckComponents) {}

  /**
   * Validity for a block at `height` (default: the next one): the org must be a member at that
   * height, signing with its key then.
   */
  checkTx(tx: Transaction, height?: number): boolean {
    // The cache may skip the signature and document checks, never the binding of id to body:
    // a faulty proposer could otherwise pair a known id with another body or signature.
    // idMatchesBody hashes each transaction object once (a re-check of the same object is free).
    if (!idMatchesBody(tx)) return false;
    const set = this.c.members.at(height ?? this.c.nextHeight());
    if (set !== this.verifiedUnder) {
      this.verified.clear();
      this.verifiedUnder = set;
    }
    if (this.verified.get(tx.id) === tx.signature) return true;
    const key = set.memberKeys().get(tx.body.org);
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

  /** Evidence is checked against the validators of the height it is about (keys rotate). */
  private evidenceIsValid(evidence: Evidence, network: string): boolean {
    const height = (evidence as { height?: unknown } | null)?.height;
    if (!Number.isSafeInteger(height)) return false;
    return verifyEvidence(evidence, network, this.c.members.at(height as number).votingKeys(), verify);
  }

  private contentIsValid(tx: Transaction): boolean {
    const { body } = tx;
    switch (body.kind) {
      case 'evidence':
        return this.evidenceIsValid(body.evidence as unknown as Evidence, body.network);
      case 'rules_proposal':
        return rulesAreWellFormed(body.files) && this.c.rules.check(body.files).problems.length === 0;
      case 'rules_approval':
      case 'member_approval':
      case 'grant_approval':
        return typeof body.hash === 'string' && /^[0-9a-f]{64}$/.test(body.hash);
      case 'member_proposal':
      case 'grant_proposal':
        return governedShapeIsValid(body);
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

/** A member or grant proposal as gossip carries it; the ledger judges its content (execution/membership.ts). */
function governedShapeIsValid(body: TxBody): boolean {
  const b = body as {
    basis?: unknown;
    change?: { action?: unknown; id?: unknown; member?: unknown };
    grant?: { org?: unknown };
  };
  if (!Number.isSafeInteger(b.basis) || (b.basis as number) < 0) return false;
  if (body.kind === 'grant_proposal') return typeof b.grant?.org === 'string';
  const c = b.change;
  if (c?.action === 'remove') return typeof c.id === 'string';
  return (c?.action === 'add' || c?.action === 'update') && typeof c.member === 'object' && c.member !== null;
}

/** A transaction's size as the mempool counts it: its JSON. */
export function sizeOf(tx: Transaction): number {
  return Buffer.byteLength(JSON.stringify(tx));
}
