import {
  type Alert,
  type BalanceKey,
  balanceId,
  type EnumerableCustodyState,
  type ObjectState,
} from '../contracts/index.js';

/**
 * The committed custody state as one block's execution reads it: each object and balance is read
 * from storage once per block. The engine asks for an object several times per event (its CEL
 * view, its contents, each effect), each a SQLite query and a JSON parse; and the committed state
 * cannot change while a block executes, since the block writes to the overlay above this one.
 * Made per block and dropped with it, so there is nothing to invalidate.
 */
export class CommittedReads implements EnumerableCustodyState {
  /** Misses are kept too (undefined): a commissioned object is looked up before it exists. */
  private readonly objectCache = new Map<string, ObjectState | undefined>();
  private readonly balanceCache = new Map<string, number>();

  constructor(private readonly committed: EnumerableCustodyState) {}

  getObject(id: string): ObjectState | undefined {
    if (this.objectCache.has(id)) return this.objectCache.get(id);
    const object = this.committed.getObject(id);
    this.objectCache.set(id, object);
    return object;
  }

  getBalance(key: BalanceKey): number {
    const id = balanceId(key);
    let quantity = this.balanceCache.get(id);
    if (quantity === undefined) {
      quantity = this.committed.getBalance(key);
      this.balanceCache.set(id, quantity);
    }
    return quantity;
  }

  alertCount(): number {
    return this.committed.alertCount();
  }

  putObject(): void {
    throw new Error('committed reads are read-only: a block writes to its overlay');
  }
  setBalance(): void {
    throw new Error('committed reads are read-only: a block writes to its overlay');
  }
  addAlert(): void {
    throw new Error('committed reads are read-only: a block writes to its overlay');
  }

  objects(): Iterable<ObjectState> {
    return this.committed.objects();
  }

  balances(): Iterable<[BalanceKey, number]> {
    return this.committed.balances();
  }

  alerts(): Iterable<Alert> {
    return this.committed.alerts();
  }
}
