import { hashOf } from '../common/encoding.js';
import { merkleRoot } from '../ledger/merkle.js';
import type { Alert, BalanceKey, ObjectState } from './types.js';

/**
 * What the engine reads and writes. Values handed out must be treated as read-only: the engine
 * copies an object before changing it and writes it back with putObject.
 */
export interface CustodyState {
  getObject(id: string): ObjectState | undefined;
  putObject(object: ObjectState): void;
  /** 0 when the holder has none. */
  getBalance(key: BalanceKey): number;
  /** Setting 0 removes the balance. */
  setBalance(key: BalanceKey, quantity: number): void;
  addAlert(alert: Omit<Alert, 'seq'>): void;
  alertCount(): number;
}

/** A custody state that can list everything it holds, for the state root. */
export interface EnumerableCustodyState extends CustodyState {
  objects(): Iterable<ObjectState>;
  balances(): Iterable<[BalanceKey, number]>;
  alerts(): Iterable<Alert>;
}

const balanceId = (k: BalanceKey) => `${k.epcClass}\u0000${k.uom}\u0000${k.holder}`;
function parseBalanceId(id: string): BalanceKey {
  const [epcClass = '', uom = '', holder = ''] = id.split('\u0000');
  return { epcClass, uom, holder };
}

/**
 * In-memory custody state. `fork()` gives an overlay that reads through to this state and keeps
 * its writes to itself until `commit()` copies them down (or the overlay is simply dropped):
 * one overlay per block, committed once the block is. A SQLite-backed base only needs the same
 * five methods plus enumeration.
 */
export class MemoryCustodyState implements EnumerableCustodyState {
  private readonly objectMap = new Map<string, ObjectState>();
  /** Balance id -> quantity; 0 marks a balance removed in an overlay. */
  private readonly balanceMap = new Map<string, number>();
  private readonly alertList: Alert[] = [];

  constructor(private readonly parent?: MemoryCustodyState) {}

  fork(): MemoryCustodyState {
    return new MemoryCustodyState(this);
  }

  /** Writes this overlay's changes into its parent. */
  commit(): void {
    const parent = this.parent;
    if (!parent) throw new Error('only an overlay can be committed');
    for (const [id, object] of this.objectMap) parent.objectMap.set(id, object);
    for (const [id, quantity] of this.balanceMap) {
      if (quantity === 0 && !parent.parent) parent.balanceMap.delete(id);
      else parent.balanceMap.set(id, quantity);
    }
    parent.alertList.push(...this.alertList);
    this.objectMap.clear();
    this.balanceMap.clear();
    this.alertList.length = 0;
  }

  getObject(id: string): ObjectState | undefined {
    return this.objectMap.get(id) ?? this.parent?.getObject(id);
  }

  putObject(object: ObjectState): void {
    this.objectMap.set(object.id, object);
  }

  getBalance(key: BalanceKey): number {
    return this.balanceById(balanceId(key));
  }

  private balanceById(id: string): number {
    const own = this.balanceMap.get(id);
    if (own !== undefined) return own;
    return this.parent ? this.parent.balanceById(id) : 0;
  }

  setBalance(key: BalanceKey, quantity: number): void {
    const id = balanceId(key);
    if (quantity === 0 && !this.parent) this.balanceMap.delete(id);
    else this.balanceMap.set(id, quantity);
  }

  addAlert(alert: Omit<Alert, 'seq'>): void {
    this.alertList.push({ ...alert, seq: this.alertCount() });
  }

  alertCount(): number {
    return this.alertList.length + (this.parent ? this.parent.alertCount() : 0);
  }

  *objects(): Iterable<ObjectState> {
    const ids = new Set<string>(this.objectMap.keys());
    if (this.parent) for (const o of this.parent.objects()) ids.add(o.id);
    for (const id of [...ids].sort()) {
      const object = this.getObject(id);
      if (object) yield object;
    }
  }

  *balances(): Iterable<[BalanceKey, number]> {
    const ids = new Set<string>(this.balanceMap.keys());
    if (this.parent) for (const [k] of this.parent.balances()) ids.add(balanceId(k));
    for (const id of [...ids].sort()) {
      const quantity = this.balanceById(id);
      if (quantity !== 0) yield [parseBalanceId(id), quantity];
    }
  }

  *alerts(): Iterable<Alert> {
    if (this.parent) yield* this.parent.alerts();
    yield* this.alertList;
  }
}

/**
 * State root: Merkle root (services/ledger/merkle.ts) over the SHA-256 of the canonical JSON
 * (RFC 8785) of every object in id order, then every non-zero balance in key order, then every
 * alert in sequence order. Identical state gives an identical root on every node.
 */
export function stateRoot(state: EnumerableCustodyState): string {
  const leaves: string[] = [];
  for (const object of state.objects()) leaves.push(hashOf({ kind: 'object', ...object }));
  for (const [key, quantity] of state.balances()) leaves.push(hashOf({ kind: 'balance', ...key, quantity }));
  for (const alert of state.alerts()) leaves.push(hashOf({ kind: 'alert', ...alert }));
  return merkleRoot(leaves);
}
