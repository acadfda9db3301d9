import { quorumOf } from '../ledger/index.js';
import type { Validator } from './types.js';

/**
 * The fixed validator set of a network, in genesis order. Validators are referred to by their
 * index in that order wherever an output depends on iteration order, so every node produces the
 * same bytes (certificates, logs) whatever order messages arrived in.
 */
export class ValidatorSet {
  readonly n: number;
  readonly f: number;
  /** Votes needed for a quorum: more than two thirds of n (2f+1 when n = 3f+1). */
  readonly quorum: number;
  /** Org id -> public key, the shape verifyCertificate wants. */
  readonly members: ReadonlyMap<string, Uint8Array>;
  private readonly index: ReadonlyMap<string, number>;

  constructor(private readonly list: readonly Validator[]) {
    if (list.length === 0) throw new TypeError('a network needs at least one validator');
    this.n = list.length;
    ({ f: this.f, quorum: this.quorum } = quorumOf(this.n));
    this.members = new Map(list.map((v) => [v.id, v.publicKey]));
    this.index = new Map(list.map((v, i) => [v.id, i]));
    if (this.index.size !== this.n) throw new TypeError('validator ids must be unique');
  }

  indexOf(id: string): number | undefined {
    return this.index.get(id);
  }

  at(i: number): Validator {
    const v = this.list[i];
    if (!v) throw new RangeError(`no validator at index ${i}`);
    return v;
  }

  /** Round-robin over genesis order, shifted by height so round 0 leaders rotate per block. */
  proposerOf(height: number, round: number): Validator {
    return this.at((height + round) % this.n);
  }
}
