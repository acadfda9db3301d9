import { describe, expect, it } from 'vitest';
import { canonicalBytes, sha256, toHex } from '../../services/common/encoding.js';
import { Prng } from '../../services/consensus/sim/prng.js';
import type { ObjectState } from '../../services/contracts/index.js';
import {
  bucketHash,
  bucketOf,
  compareKeyHash,
  EMPTY_STATE_ROOT,
  leafOf,
  rootOfEntries,
  STATE_TREE_DEPTH,
  type StateEntry,
  StateTree,
} from '../../services/contracts/state-tree.js';

const object = (id: string, owner = 'farm'): StateEntry => ({
  kind: 'object',
  value: {
    id,
    owner,
    custodian: owner,
    status: 'active',
    flags: [],
    lastEventID: 'e',
    commissioner: owner,
  } as ObjectState,
});

/** An incremental tree kept the way the node keeps it: bucket contents, then staged bucket hashes. */
class Model {
  readonly tree = new StateTree();
  private readonly buckets = new Map<number, Map<string, { keyHash: Uint8Array; leafHash: Uint8Array }>>();

  write(entries: StateEntry[]): string {
    const dirty = new Set<number>();
    for (const e of entries) {
      const leaf = leafOf(e);
      const b = bucketOf(leaf.keyHash);
      const content = this.buckets.get(b) ?? new Map();
      if (leaf.leafHash) content.set(leaf.key, { keyHash: leaf.keyHash, leafHash: leaf.leafHash });
      else content.delete(leaf.key);
      this.buckets.set(b, content);
      dirty.add(b);
    }
    const hashes = new Map<number, Uint8Array>();
    for (const b of dirty)
      hashes.set(b, bucketHash([...(this.buckets.get(b)?.values() ?? [])].sort(compareKeyHash)));
    const staged = this.tree.stage(hashes);
    staged.apply();
    return staged.root;
  }

  entries(b: number) {
    return [...(this.buckets.get(b)?.values() ?? [])].sort(compareKeyHash);
  }
}

describe('state tree', () => {
  it('keeps incrementally the root that a from-scratch computation gives', () => {
    const random = new Prng(7);
    const model = new Model();
    const state = new Map<string, StateEntry>();
    for (let block = 0; block < 30; block++) {
      const writes: StateEntry[] = [];
      for (let i = 0; i < 40; i++) {
        const id = `urn:x:${random.int(0, 299)}`;
        const e = object(id, random.chance(0.5) ? 'farm' : 'packer');
        writes.push(e);
        state.set(id, e);
      }
      const balanceQty = random.int(0, 2);
      const balance: StateEntry = {
        kind: 'balance',
        value: { epcClass: 'c', uom: 'KGM', holder: 'farm', quantity: balanceQty },
      };
      writes.push(balance);
      if (balanceQty === 0) state.delete('balance');
      else state.set('balance', balance);
      expect(model.write(writes)).toBe(rootOfEntries(state.values()));
    }
  });

  it('hashes each leaf as sha256 of the JCS text of {key, value}, whatever the key holds', () => {
    const entries: StateEntry[] = [
      object('urn:x:1'),
      object('https://id.gs1.org/01/09520123456788/21/"quoted"\\é€😀'),
      {
        kind: 'balance',
        value: { epcClass: 'c\u0001', uom: 'KGM', holder: 'transit:packer', quantity: 2.5 },
      },
      {
        kind: 'alert',
        value: {
          seq: 3,
          type: 'temperature_excursion',
          object: 'urn:x:1',
          eventID: 'e',
          value: -1e-7,
          min: 2,
          max: 8,
        },
      },
    ];
    for (const entry of entries) {
      const leaf = leafOf(entry);
      expect(toHex(leaf.keyHash)).toBe(toHex(sha256(leaf.key)));
      expect(toHex(leaf.leafHash as Uint8Array)).toBe(
        toHex(sha256(canonicalBytes({ key: leaf.key, value: entry.value }))),
      );
    }
  });

  it('returns to the empty root when every entry is removed', () => {
    const model = new Model();
    const key = { epcClass: 'c', uom: 'KGM', holder: 'farm' };
    expect(model.write([{ kind: 'balance', value: { ...key, quantity: 5 } }])).not.toBe(EMPTY_STATE_ROOT);
    expect(model.write([{ kind: 'balance', value: { ...key, quantity: 0 } }])).toBe(EMPTY_STATE_ROOT);
    expect(rootOfEntries([])).toBe(EMPTY_STATE_ROOT);
  });

  it('forgets a staging that is never applied (its block transaction failed)', () => {
    const leaf = (id: string) => leafOf(object(id));
    const one = (id: string) => {
      const l = leaf(id);
      return new Map([
        [bucketOf(l.keyHash), bucketHash([{ keyHash: l.keyHash, leafHash: l.leafHash as Uint8Array }])],
      ]);
    };
    const tree = new StateTree();
    const dropped = tree.stage(one('urn:z:1'));
    expect(dropped.root).toBe(rootOfEntries([object('urn:z:1')]));
    expect(tree.root()).toBe(EMPTY_STATE_ROOT);
    const kept = tree.stage(one('urn:z:2'));
    expect(kept.root).toBe(rootOfEntries([object('urn:z:2')]));
    expect(() => dropped.apply()).toThrow(/later staging/);
    kept.apply();
    expect(tree.root()).toBe(kept.root);
  });

  it('gives a path from any bucket to the root', () => {
    const model = new Model();
    const root = model.write(Array.from({ length: 50 }, (_, i) => object(`urn:y:${i}`)));
    const leaf = leafOf(object('urn:y:17'));
    const b = bucketOf(leaf.keyHash);
    const path = model.tree.path(b);
    expect(path).toHaveLength(STATE_TREE_DEPTH);
    let hash = bucketHash(model.entries(b));
    let index = (1 << STATE_TREE_DEPTH) + b;
    for (const sibling of path) {
      const [l, r] = index % 2 === 0 ? [hash, sibling] : [sibling, hash];
      hash = sha256(Uint8Array.of(1, ...l, ...r));
      index >>= 1;
    }
    expect(toHex(hash)).toBe(root);
  });
});
